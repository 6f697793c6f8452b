package org.agentstream.wire;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.math.BigDecimal;
import java.util.List;
import org.agentstream.agent.AgentInfo;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.history.ConversationSummary;
import org.agentstream.history.HistoryEntry;
import org.agentstream.history.HistoryPage;

/** The frames the server sends (wire protocol v1). Field names are fixed: clients rely on them. */
public sealed interface OutboundFrame {

    /** {@code userMessageId}: the server's id of the user message the reply answers, which an edit names. */
    @JsonbPropertyOrder({"type", "messageId", "replyTo", "agent", "conversationId", "userMessageId"})
    record StreamStart(String type, String messageId, String replyTo, String agent, String conversationId,
            String userMessageId) implements OutboundFrame {
        public StreamStart(String messageId, String replyTo, String agent, String conversationId) {
            this(messageId, replyTo, agent, conversationId, null);
        }

        public StreamStart(String messageId, String replyTo, String agent, String conversationId,
                String userMessageId) {
            this("stream_start", messageId, replyTo, agent, conversationId, userMessageId);
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

    /** A piece of the model's reasoning; {@code seq}, {@code sentAt} and {@code replayed} as for a chunk. */
    @JsonbPropertyOrder({"type", "messageId", "seq", "delta", "sentAt", "replayed"})
    record Reasoning(String type, String messageId, int seq, String delta, BigDecimal sentAt, Boolean replayed)
            implements OutboundFrame {
        public Reasoning(String messageId, int seq, String delta, BigDecimal sentAt, boolean replayed) {
            this("reasoning", messageId, seq, delta, sentAt, replayed ? Boolean.TRUE : null);
        }
    }

    /** A piece of a tool call: its id, its tool, the next piece of its arguments (JSON text as the model makes it). */
    @JsonbPropertyOrder({"type", "messageId", "seq", "callId", "tool", "argumentsDelta", "sentAt", "replayed"})
    record ToolCall(String type, String messageId, int seq, String callId, String tool, String argumentsDelta,
            BigDecimal sentAt, Boolean replayed) implements OutboundFrame {
        public ToolCall(String messageId, int seq, String callId, String tool, String argumentsDelta,
                BigDecimal sentAt, boolean replayed) {
            this("tool_call", messageId, seq, callId, tool, argumentsDelta, sentAt, replayed ? Boolean.TRUE : null);
        }
    }

    /** What a tool call gave: {@code status} {@code ok} or {@code error}, its result or error, how long it ran. */
    @JsonbPropertyOrder({"type", "messageId", "seq", "callId", "status", "result", "durationMs", "sentAt",
            "replayed"})
    record ToolResult(String type, String messageId, int seq, String callId, String status, String result,
            long durationMs, BigDecimal sentAt, Boolean replayed) implements OutboundFrame {
        public ToolResult(String messageId, int seq, String callId, String status, String result, long durationMs,
                BigDecimal sentAt, boolean replayed) {
            this("tool_result", messageId, seq, callId, status, result, durationMs, sentAt,
                    replayed ? Boolean.TRUE : null);
        }
    }

    /** What the model used for a reply, as far as it said. */
    @JsonbPropertyOrder({"model", "inputTokens", "outputTokens", "finishReason"})
    record Usage(String model, Integer inputTokens, Integer outputTokens, String finishReason) {

        /** The usage of {@code used}, or null when there is none. */
        public static Usage of(ReplyEvent.Usage used) {
            return used == null ? null
                    : new Usage(used.model(), used.inputTokens(), used.outputTokens(), used.finishReason());
        }
    }

    /**
     * {@code usage}: what the model used, when the agent said; {@code firstChunkMs}: milliseconds from the message's
     * arrival to the reply's first frame, when one was sent.
     */
    @JsonbPropertyOrder({"type", "messageId", "replyTo", "status", "chunks", "usage", "firstChunkMs"})
    record StreamEnd(String type, String messageId, String replyTo, String status, int chunks, Usage usage,
            Long firstChunkMs) implements OutboundFrame {
        public StreamEnd(String messageId, String replyTo, String status, int chunks) {
            this("stream_end", messageId, replyTo, status, chunks, null, null);
        }

        public StreamEnd(String messageId, String replyTo, String status, int chunks, Usage usage,
                Long firstChunkMs) {
            this("stream_end", messageId, replyTo, status, chunks, usage, firstChunkMs);
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
