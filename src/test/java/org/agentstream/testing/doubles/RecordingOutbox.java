package org.agentstream.testing.doubles;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.turns.Outbox;
import org.agentstream.wire.OutboundFrame;

/** An outbox that records the frames a chat turn sends, beside its replies' frames in a {@link RecordingSink}. */
public final class RecordingOutbox implements Outbox {

    private final RecordingSink replies;
    private final List<OutboundFrame> frames = new CopyOnWriteArrayList<>();

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
    public void chunk(String messageId, int seq, String delta, Delivery delivery) {
        replies.chunk(messageId, seq, delta, delivery);
    }

    @Override
    public void replayed(String messageId, int seq, String delta, long sentNanos) {
        replies.replayed(messageId, seq, delta, sentNanos);
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        replies.movedAway(messageId, replyTo);
    }

    @Override
    public void streamEnded(String messageId, String replyTo, StreamStatus status, int chunks, ReplyFailure failure) {
        replies.streamEnded(messageId, replyTo, status, chunks, failure);
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        replies.busy(replyTo, reason, retryAfter);
    }
}
