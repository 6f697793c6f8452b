package org.agentstream.history;

/** A conversation as the owner's list shows it; {@code messages} counts stored user and assistant messages. */
public record ConversationSummary(String conversationId, String title, long updatedAt, int messages) {
}
