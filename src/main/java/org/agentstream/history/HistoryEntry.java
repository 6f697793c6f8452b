package org.agentstream.history;

/** One stored message as a {@code history} frame returns it; {@code messageId} is the server's, null for a user's. */
public record HistoryEntry(String role, String agent, String content, String status, String messageId, long createdAt,
        int chunks) {
}
