package org.agentstream.history;

import jakarta.enterprise.context.ApplicationScoped;
import org.agentstream.config.ServerConfig;

/** Settings of stored conversations, read on every request so a console change applies to the next one. */
@ApplicationScoped
public class HistorySettings {

    /** Whether conversations are stored and read at all. */
    public boolean enabled() {
        return ServerConfig.getBoolean("agentstream.history.enabled", true);
    }

    /** The newest messages a {@code history} frame returns. */
    public int maxReturned() {
        return Math.max(1, ServerConfig.getInt("agentstream.history.max-returned", 200));
    }

    /** Earlier turns read for an agent: the most any agent is sent (an agent's own setting may send fewer). */
    public int maxEarlierTurns() {
        return Math.max(0, ServerConfig.getInt("agentstream.history.max-turns", 200));
    }

    /** Conversations a {@code conversations} frame lists, newest first. */
    public int maxListed() {
        return Math.max(1, ServerConfig.getInt("agentstream.history.max-listed", 200));
    }

    /**
     * How often what streaming replies have sent so far is written, in ms: a server killed mid-reply loses about
     * this much of it (0: replies are stored only when they end).
     */
    public long progressIntervalMs() {
        return Math.max(0, ServerConfig.getLong("agentstream.history.progress-interval-ms", 500));
    }
}
