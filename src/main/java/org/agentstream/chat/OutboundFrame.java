package org.agentstream.chat;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.math.BigDecimal;
import java.util.List;
import org.agentstream.agent.AgentInfo;

/** The frames the server sends (wire protocol v1). Field names are fixed: clients rely on them. */
public sealed interface OutboundFrame {

    @JsonbPropertyOrder({"type", "messageId", "replyTo", "agent"})
    record StreamStart(String type, String messageId, String replyTo, String agent) implements OutboundFrame {
        public StreamStart(String messageId, String replyTo, String agent) {
            this("stream_start", messageId, replyTo, agent);
        }
    }

    /** {@code sentAt}: the server's send time, epoch milliseconds with microsecond decimals. */
    @JsonbPropertyOrder({"type", "messageId", "seq", "delta", "sentAt"})
    record Chunk(String type, String messageId, int seq, String delta, BigDecimal sentAt) implements OutboundFrame {
        public Chunk(String messageId, int seq, String delta, BigDecimal sentAt) {
            this("chunk", messageId, seq, delta, sentAt);
        }
    }

    @JsonbPropertyOrder({"type", "messageId", "replyTo", "status", "chunks"})
    record StreamEnd(String type, String messageId, String replyTo, String status, int chunks)
            implements OutboundFrame {
        public StreamEnd(String messageId, String replyTo, String status, int chunks) {
            this("stream_end", messageId, replyTo, status, chunks);
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

    @JsonbPropertyOrder({"type", "agents"})
    record Agents(String type, List<AgentInfo> agents) implements OutboundFrame {
        public Agents(List<AgentInfo> agents) {
            this("agents", agents);
        }
    }
}
