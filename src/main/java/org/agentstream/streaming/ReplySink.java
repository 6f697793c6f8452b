package org.agentstream.streaming;

import java.time.Duration;
import org.agentstream.agent.ReplyEvent;

/**
 * Where a reply's frames go: the transport behind a small interface, so the streaming loop runs without a
 * container in unit tests. Implementations send frames of one connection in call order, one at a time.
 */
public interface ReplySink {

    void streamStarted(String messageId, String replyTo, String agent, String conversationId);

    /** {@link #streamStarted}, with the server's id of the user message the reply answers (null if none). */
    default void streamStarted(String messageId, String replyTo, String agent, String conversationId,
            String userMessageId) {
        streamStarted(messageId, replyTo, agent, conversationId);
    }

    /**
     * Sends one frame of the reply ({@code chunk} for text, or the frame of {@code event}'s kind); {@code delivery}
     * hears when it was written and flushed, or that it never will be.
     */
    void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery);

    /**
     * Sends again, to a client that resumed the reply, a frame it missed, with its seq and the time it was first sent
     * ({@link System#nanoTime()}).
     */
    void replayed(String messageId, int seq, ReplyEvent event, long sentNanos);

    /** The reply was resumed on another connection: this one gets nothing more of it. */
    void movedAway(String messageId, String replyTo);

    /** Ends a reply; a non-null {@code end.failure()} says what went wrong (an error frame precedes the end). */
    void streamEnded(String messageId, String replyTo, ReplyEnd end);

    /**
     * Ends a reply again, for a client that resumed it after it had ended: the same frames as {@link #streamEnded},
     * which a sink that counts what happens to replies (not frames) tells apart.
     */
    default void replayedEnd(String messageId, String replyTo, ReplyEnd end) {
        streamEnded(messageId, replyTo, end);
    }

    /** The request was not taken: too many replies stream already. */
    void busy(String replyTo, String reason, Duration retryAfter);

    /** Told, on the sending thread, what became of one chunk. */
    interface Delivery {
        void delivered(long sentNanos);

        void undeliverable();
    }
}
