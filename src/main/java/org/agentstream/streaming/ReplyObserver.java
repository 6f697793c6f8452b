package org.agentstream.streaming;

/**
 * What one reply tells the server's metrics and traces while it streams: when its first chunk left, the gap before
 * each later live chunk, and how it ended. Called outside the reply's lock, on the thread that sent the chunk; an
 * observer records and returns (no I/O, no lock held long).
 */
public interface ReplyObserver {

    /** An observer that records nothing (metrics and tracing are off). */
    ReplyObserver NONE = new ReplyObserver() {
    };

    /**
     * Runs {@code start} (the agent is asked for its reply and subscribed to) with whatever the observer needs around
     * it, such as its span made current so that the agent's own spans are its children.
     */
    default void starting(Runnable start) {
        start.run();
    }

    /** The first chunk was written {@code nanos} after the message arrived. */
    default void firstChunk(long nanos) {
    }

    /** A live chunk was written {@code nanos} after the one before it to the same client. */
    default void sendGap(long nanos) {
    }

    /** The reply ended with {@code status} after {@code chunks} chunks, {@code nanos} after the message arrived. */
    default void ended(StreamStatus status, int chunks, long nanos) {
    }

    /** Makes one observer per reply, once the reply's agent is known. */
    interface Factory {
        Factory NONE = (agent, messageId) -> ReplyObserver.NONE;

        ReplyObserver reply(String agent, String messageId);
    }
}
