package org.agentstream.history;

/** One conversation in its owner's list: id, title, last change (epoch ms) and how many messages it holds. */
public record ConversationSummary(String conversationId, String title, long updatedAt, int messages) {
}
