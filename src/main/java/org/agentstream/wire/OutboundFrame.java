package org.agentstream.wire;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.math.BigDecimal;
import java.util.List;
import org.agentstream.agent.AgentInfo;
import org.agentstream.history.ConversationSummary;
import org.agentstream.history.HistoryEntry;
import org.agentstream.history.HistoryPage;

/** The frames the server sends (wire protocol v1). Field names are fixed: clients rely on them. */
public sealed interface OutboundFrame {

    @JsonbPropertyOrder({"type", "messageId", "replyTo", "agent", "conversationId"})
    record StreamStart(String type, String messageId, String replyTo, String agent, String conversationId)
            implements OutboundFrame {
        public StreamStart(String messageId, String replyTo, String agent, String conversationId) {
            this("stream_start", messageId, replyTo, agent, conversationId);
        }
    }

    /**
     * {@code sentAt}: the server's send time, epoch milliseconds with microsecond decimals. {@code replayed}: true on
     * a chunk sent again to a client that resumed the reply (with its first {@code sentAt}); absent otherwise.
     */
    @JsonbPropertyOrder({"type", "messageId", "seq", "delta", "sentAt", "replayed"})
    record Chunk(String type, String messageId, int seq, String delta, BigDecimal sentAt, Boolean replayed)
            implements OutboundFrame {
        public Chunk(String messageId, int seq, String delta, BigDecimal sentAt) {
            this("chunk", messageId, seq, delta, sentAt, null);
        }

        public Chunk(String messageId, int seq, String delta, BigDecimal sentAt, boolean replayed) {
            this("chunk", messageId, seq, delta, sentAt, replayed ? Boolean.TRUE : null);
        }
    }

    @JsonbPropertyOrder({"type", "messageId", "replyTo", "status", "chunks"})
    record StreamEnd(String type, String messageId, String replyTo, String status, int chunks)
            implements OutboundFrame {
        public StreamEnd(String messageId, String replyTo, String status, int chunks) {
            this("stream_end", messageId, replyTo, status, chunks);
        }
    }

    /**
     * The answer to a client's {@code timing} report: it was counted, and whether the server judges the reply to have
     * arrived batched (the rule of docs/protocol.md).
     */
    @JsonbPropertyOrder({"type", "replyTo", "messageId", "batched"})
    record TimingRecorded(String type, String replyTo, String messageId, boolean batched) implements OutboundFrame {
        public TimingRecorded(String replyTo, String messageId, boolean batched) {
            this("timing_recorded", replyTo, messageId, batched);
        }
    }

    @JsonbPropertyOrder({"type", "replyTo", "messageId", "code", "message", "retryAfterMs"})
    record Error(String type, String replyTo, String messageId, String code, String message, Long retryAfterMs)
            implements OutboundFrame {
        public Error(String replyTo, String messageId, ErrorCode code, String message, Long retryAfterMs) {
            this("error", replyTo, messageId, code.wireName(), message, retryAfterMs);
        }

        public Error(String replyTo, ErrorCode code, String message) {
            this(replyTo, null, code, message, null);
        }
    }

    /** The caller's conversations, newest first. */
    @JsonbPropertyOrder({"type", "conversations"})
    record Conversations(String type, List<ConversationSummary> conversations) implements OutboundFrame {
        public Conversations(List<ConversationSummary> conversations) {
            this("conversations", conversations);
        }
    }

    /** The newest messages of one conversation, oldest first; {@code olderLeftOut} older ones are not in it. */
    @JsonbPropertyOrder({"type", "conversationId", "messages", "olderLeftOut"})
    record History(String type, String conversationId, List<HistoryEntry> messages, int olderLeftOut)
            implements OutboundFrame {
        public History(HistoryPage page) {
            this("history", page.conversationId(), page.messages(), page.olderLeftOut());
        }
    }

    @JsonbPropertyOrder({"type", "conversationId"})
    record ConversationDeleted(String type, String conversationId) implements OutboundFrame {
        public ConversationDeleted(String conversationId) {
            this("conversation_deleted", conversationId);
        }
    }

    @JsonbPropertyOrder({"type", "agents"})
    record Agents(String type, List<AgentInfo> agents) implements OutboundFrame {
        public Agents(List<AgentInfo> agents) {
            this("agents", agents);
        }
    }
}
