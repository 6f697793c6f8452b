package org.agentstream.turns;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.wire.OutboundFrame;

/**
 * A connection's outbox that remembers the replies that ended on it, so that its client may report once how each
 * one arrived ({@code timing}): the newest {@value #KEPT}, each with the chunks it sent. A reply replayed from the
 * store, another connection's and another owner's are not among them.
 */
public final class ReportingOutbox implements Outbox {

    /** How many ended replies a connection keeps for reports: a client reports at the end of each. */
    static final int KEPT = 64;

    private final Outbox to;
    /** Ended replies not reported yet, oldest first; guarded by itself. */
    private final Map<String, Integer> ended = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > KEPT;
        }
    };

    ReportingOutbox(Outbox to) {
        this.to = to;
    }

    /** The outbox this one sends through. */
    Outbox delegate() {
        return to;
    }

    /** The chunks of a reply that ended here and was not reported yet, which it is from now on; else empty. */
    OptionalInt claimReport(String messageId) {
        Integer chunks;
        synchronized (ended) {
            chunks = ended.remove(messageId);
        }
        return chunks == null ? OptionalInt.empty() : OptionalInt.of(chunks);
    }

    @Override
    public void streamEnded(String messageId, String replyTo, StreamStatus status, int chunks, ReplyFailure failure) {
        synchronized (ended) {
            ended.put(messageId, chunks);
        }
        to.streamEnded(messageId, replyTo, status, chunks, failure);
    }

    @Override
    public void send(OutboundFrame frame) {
        to.send(frame);
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        to.streamStarted(messageId, replyTo, agent, conversationId);
    }

    @Override
    public void chunk(String messageId, int seq, String delta, Delivery delivery) {
        to.chunk(messageId, seq, delta, delivery);
    }

    @Override
    public void replayed(String messageId, int seq, String delta, long sentNanos) {
        to.replayed(messageId, seq, delta, sentNanos);
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        to.movedAway(messageId, replyTo);
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        to.busy(replyTo, reason, retryAfter);
    }
}
