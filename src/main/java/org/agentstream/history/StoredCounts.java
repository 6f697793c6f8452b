package org.agentstream.history;

/**
 * How many rows the history's tables hold, over every owner: for operators who watch the database grow (the soak
 * benchmark reads them each minute through {@code /status}).
 */
public record StoredCounts(long conversations, long messages, long replyChunks) {
}
