package org.agentstream.chat;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.agentstream.config.ServerConfig;

/** Settings of the chat endpoint, read when a connection opens. */
@ApplicationScoped
public class ChatSettings {

    /**
     * Whether only signed-in users (role {@code chat-user}) may open the chat: {@code agentstream.chat.sign-in} is
     * {@code required} (the default, and what any value but {@code off} means) or {@code off} (anonymous owners too).
     */
    public boolean signInRequired() {
        return !ServerConfig.getString("agentstream.chat.sign-in").map(value -> value.strip().equalsIgnoreCase("off"))
                .orElse(false);
    }

    /** Connections one user (or anonymous owner) may have open at once; more are closed at once (1008). */
    public int maxConnectionsPerUser() {
        return Math.max(1, ServerConfig.getInt("agentstream.chat.max-connections-per-user", 16));
    }

    /**
     * Messages one user (or anonymous owner) may send a minute, on all connections together; 0: no limit. At most a
     * million, which keeps the rate's arithmetic in range.
     */
    public int maxMessagesPerMinute() {
        return Math.min(1_000_000, Math.max(0, ServerConfig.getInt("agentstream.chat.max-messages-per-minute", 120)));
    }

    /**
     * Origins (scheme://host[:port], comma-separated) allowed to open the chat besides its own origin and
     * localhost ones, lower-cased.
     */
    public Set<String> allowedOrigins() {
        return ServerConfig.getString("agentstream.chat.allowed-origins")
                .map(list -> Arrays.stream(list.split(","))
                        .map(origin -> origin.strip().toLowerCase(Locale.ROOT))
                        .filter(origin -> !origin.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    /**
     * Milliseconds one send may stay blocked on a client that does not read before its connection is closed.
     */
    public long sendTimeoutMs() {
        return Math.max(100, ServerConfig.getLong("agentstream.chat.send-timeout-ms", 10_000));
    }

    /** Milliseconds a connection may stay silent before the server closes it; 0 (the default) never does. */
    public long idleTimeoutMs() {
        return Math.max(0, ServerConfig.getLong("agentstream.chat.idle-timeout-ms", 0));
    }

    /**
     * Whether each frame is flushed out of the container's send batch right after it is sent, so it leaves at once
     * (read when a connection opens; the setting's name is older than this class).
     */
    public boolean flush() {
        return ServerConfig.getBoolean("agentstream.stream.flush", true);
    }

    /** Frames larger than this (UTF-8 bytes) get a {@code too_large} error. */
    public int maxFrameBytes() {
        return Math.max(256, ServerConfig.getInt("agentstream.chat.max-frame-bytes", 64 * 1024));
    }
}
