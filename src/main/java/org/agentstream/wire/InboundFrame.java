package org.agentstream.wire;

/**
 * A frame from the client, any type: {@code message} uses id, agent, content, conversationId and, to edit a user
 * message, replaces; {@code regenerate} uses id and messageId; {@code cancel} uses messageId; {@code resume} uses
 * messageId and afterSeq; {@code history} and {@code delete_conversation} use conversationId; {@code agents} and
 * {@code conversations} use nothing else; {@code timing} (a client's report of how one reply arrived) uses messageId,
 * chunks, batched, receiveSpanMs and sendSpanMs.
 */
public record InboundFrame(String type, String id, String agent, String content, String conversationId,
        String messageId, Integer afterSeq, Integer chunks, Integer batched, Double receiveSpanMs,
        Double sendSpanMs, String replaces) {

    /** Longer is no conversation id the server gave out. */
    static final int MAX_CONVERSATION_ID = 64;
    /** A timing report's spans are at most a day: no reply streams that long. */
    public static final double MAX_SPAN_MS = 86_400_000;

    /** What is missing, empty or malformed for this frame's type, or null when the frame is complete. */
    public String problem() {
        if (isBlank(type)) {
            return "the frame has no \"type\"";
        }
        if (conversationId != null && conversationId.length() > MAX_CONVERSATION_ID) {
            return "\"conversationId\" is longer than " + MAX_CONVERSATION_ID + " characters";
        }
        return switch (type) {
            case "message" -> isBlank(id) ? "a message needs a non-empty \"id\""
                    : isBlank(agent) ? "a message needs a non-empty \"agent\""
                    : content == null || content.isEmpty() ? "a message needs a non-empty \"content\""
                    : conversationId != null && conversationId.isBlank() ? "\"conversationId\" is empty"
                    : replaces == null ? null
                    : replaces.isBlank() ? "\"replaces\" is empty"
                    : conversationId == null ? "an edit (\"replaces\") needs the \"conversationId\" of the message"
                            + " it replaces" : null;
            case "regenerate" -> isBlank(id) ? "a regenerate needs a non-empty \"id\""
                    : isBlank(messageId) ? "a regenerate needs a non-empty \"messageId\": the reply to replace" : null;
            case "cancel" -> isBlank(messageId) ? "a cancel needs a non-empty \"messageId\"" : null;
            case "resume" -> isBlank(messageId) ? "a resume needs a non-empty \"messageId\""
                    : afterSeq == null ? "a resume needs \"afterSeq\": the last seq the client has, or -1 for none"
                    : afterSeq < -1 ? "\"afterSeq\" is -1 (no chunk yet) or more" : null;
            case "history", "delete_conversation" ->
                    isBlank(conversationId) ? "a " + type + " needs a non-empty \"conversationId\"" : null;
            case "agents", "conversations" -> null;
            case "timing" -> timingProblem();
            default -> "unknown frame type \"" + type + "\"; expected message, regenerate, cancel, resume, "
                    + "agents, conversations, history, delete_conversation or timing";
        };
    }

    private String timingProblem() {
        if (isBlank(messageId)) {
            return "a timing report needs a non-empty \"messageId\"";
        }
        if (chunks == null || batched == null || receiveSpanMs == null || sendSpanMs == null) {
            return "a timing report needs \"chunks\", \"batched\", \"receiveSpanMs\" and \"sendSpanMs\"";
        }
        if (chunks < 2) {
            return "\"chunks\" is 2 or more: a report judges the gaps between chunks";
        }
        if (batched < 0 || batched >= chunks) {
            return "\"batched\" counts gaps between the chunks: 0 to chunks - 1";
        }
        if (!(receiveSpanMs >= 0 && receiveSpanMs <= MAX_SPAN_MS && sendSpanMs >= 0 && sendSpanMs <= MAX_SPAN_MS)) {
            return "\"receiveSpanMs\" and \"sendSpanMs\" are milliseconds from 0 to " + (long) MAX_SPAN_MS;
        }
        return null;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
