package org.agentstream.history;

import java.util.List;
import org.agentstream.agent.ReplyEvent;

/**
 * One stored message as a {@code history} frame returns it; {@code messageId} is the server's id of it (a user's is
 * what an edit names in {@code replaces}).
 * An agent's reply that streamed more than text has its {@code parts} in order (null otherwise), and its
 * {@code usage} when the model said; its {@code content} is its text alone.
 */
public record HistoryEntry(String role, String agent, String content, String status, String messageId, long createdAt,
        int chunks, List<HistoryPart> parts, ReplyEvent.Usage usage) {

    public HistoryEntry(String role, String agent, String content, String status, String messageId, long createdAt,
            int chunks) {
        this(role, agent, content, status, messageId, createdAt, chunks, null, null);
    }

    /** The same entry with the parts and usage of {@code reply}. */
    HistoryEntry with(ReplyText reply) {
        return new HistoryEntry(role, agent, content, status, messageId, createdAt, chunks, HistoryPart.of(reply),
                reply.usage());
    }
}
