package org.agentstream.testing.doubles;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.turns.Outbox;
import org.agentstream.wire.OutboundFrame;

/** An outbox that records the frames a chat turn sends, beside its replies' frames in a {@link RecordingSink}. */
public final class RecordingOutbox implements Outbox {

    private final RecordingSink replies;
    private final List<OutboundFrame> frames = new CopyOnWriteArrayList<>();
    private final Map<String, String> userMessageIds = new ConcurrentHashMap<>();
    private final Map<String, String> messageIds = new ConcurrentHashMap<>();

    public RecordingOutbox(LongSupplier clock) {
        this.replies = new RecordingSink(clock);
    }

    /** The replies' frames, as {@link RecordingSink} records them. */
    public RecordingSink replies() {
        return replies;
    }

    /** Every other frame, in the order it was sent. */
    public List<OutboundFrame> frames() {
        return List.copyOf(frames);
    }

    /** The frames of one type that were sent. */
    public <T extends OutboundFrame> List<T> frames(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void send(OutboundFrame frame) {
        frames.add(frame);
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        replies.streamStarted(messageId, replyTo, agent, conversationId);
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId,
            String userMessageId) {
        userMessageIds.put(replyTo, userMessageId);
        messageIds.put(replyTo, messageId);
        streamStarted(messageId, replyTo, agent, conversationId);
    }

    /** The server's id of the reply to the client's message {@code replyTo}. */
    public String messageId(String replyTo) {
        return messageIds.get(replyTo);
    }

    /** The server's id of the user message that the reply to the client's message {@code replyTo} answers. */
    public String userMessageId(String replyTo) {
        return userMessageIds.get(replyTo);
    }

    @Override
    public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
        replies.chunk(messageId, seq, event, delivery);
    }

    @Override
    public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
        replies.replayed(messageId, seq, event, sentNanos);
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        replies.movedAway(messageId, replyTo);
    }

    @Override
    public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
        replies.streamEnded(messageId, replyTo, end);
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        replies.busy(replyTo, reason, retryAfter);
    }
}
