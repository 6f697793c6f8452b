package org.agentstream.chat;

/**
 * A frame from the client, any type: {@code message} uses id, agent, content and conversationId; {@code cancel}
 * uses messageId; {@code agents} uses nothing else.
 */
public record InboundFrame(String type, String id, String agent, String content, String conversationId,
        String messageId) {

    /** What is missing or empty for this frame's type, or null when the frame is complete. */
    public String problem() {
        if (isBlank(type)) {
            return "the frame has no \"type\"";
        }
        return switch (type) {
            case "message" -> isBlank(id) ? "a message needs a non-empty \"id\""
                    : isBlank(agent) ? "a message needs a non-empty \"agent\""
                    : content == null || content.isEmpty() ? "a message needs a non-empty \"content\"" : null;
            case "cancel" -> isBlank(messageId) ? "a cancel needs a non-empty \"messageId\"" : null;
            case "agents" -> null;
            default -> "unknown frame type \"" + type + "\"; expected message, cancel or agents";
        };
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
