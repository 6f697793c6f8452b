package org.agentstream.history;

import java.util.List;

/** The newest messages of a conversation, oldest first, and how many older ones were left out. */
public record HistoryPage(String conversationId, List<HistoryEntry> messages, int olderLeftOut) {
}
