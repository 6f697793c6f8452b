package org.agentstream.history;

/** One stored message as the {@code history} frame shows it; {@code createdAt} in epoch ms. */
public record HistoryEntry(String role, String agent, String content, String status, String messageId,
        long createdAt, int chunks) {
}
