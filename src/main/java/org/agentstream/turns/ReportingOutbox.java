package org.agentstream.turns;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.wire.OutboundFrame;

/**
 * A connection's outbox that remembers the replies that ended on it while it streamed them, so that its client may
 * report once how each one arrived ({@code timing}): the newest {@value #KEPT}, each with the chunks it sent. A reply
 * whose end is sent again (resumed after it ended, or from the store), another connection's and another owner's are
 * not among them: a reply ends live once, so it is reported once.
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

    /**
     * Takes the report of a reply that ended here and was not reported yet, if it claims no more chunks than the
     * reply sent: then the reply is reported from now on. Returns the chunks the reply sent, or empty if it is not
     * one of this connection's to report; a report of too many chunks leaves it to report.
     */
    OptionalInt claimReport(String messageId, int chunksReported) {
        synchronized (ended) {
            Integer sent = ended.get(messageId);
            if (sent != null && chunksReported <= sent) {
                ended.remove(messageId);
            }
            return sent == null ? OptionalInt.empty() : OptionalInt.of(sent);
        }
    }

    @Override
    public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
        synchronized (ended) {
            ended.put(messageId, end.chunks());
        }
        to.streamEnded(messageId, replyTo, end);
    }

    /** An end sent again after a resume is not a reply that ended here: its chunks were replayed. */
    @Override
    public void replayedEnd(String messageId, String replyTo, ReplyEnd end) {
        to.replayedEnd(messageId, replyTo, end);
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
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId,
            String userMessageId) {
        to.streamStarted(messageId, replyTo, agent, conversationId, userMessageId);
    }

    @Override
    public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
        to.chunk(messageId, seq, event, delivery);
    }

    @Override
    public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
        to.replayed(messageId, seq, event, sentNanos);
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
