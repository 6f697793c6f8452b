package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.agentstream.config.ServerConfig;

/**
 * Who may chat and how much: sign-in and its throttle, allowed Origins and the per-owner limits, read each time they
 * are checked.
 */
@ApplicationScoped
public class AccessSettings {

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
     * Requests that read or change stored conversations ({@code conversations}, {@code history},
     * {@code delete_conversation}, and a {@code resume} served from the database) one user (or anonymous owner) may
     * make a minute, on all connections together; 0: no limit. At most a million, as for messages.
     */
    public int maxRequestsPerMinute() {
        return Math.min(1_000_000, Math.max(0, ServerConfig.getInt("agentstream.chat.max-requests-per-minute", 600)));
    }

    /**
     * The sign-in throttle's limits: failed sign-ins one user name ({@code agentstream.sign-in.max-failures-per-user},
     * 5) and one address ({@code agentstream.sign-in.max-failures-per-address}, 30) may have, 0 for no limit, and
     * how long past its limit a name or address stays refused after its last failure
     * ({@code agentstream.sign-in.lock-seconds}, 300; 0: never).
     */
    public SignInFailures.Limits signInLimits() {
        return new SignInFailures.Limits(
                Math.max(0, ServerConfig.getInt("agentstream.sign-in.max-failures-per-user", 5)),
                Math.max(0, ServerConfig.getInt("agentstream.sign-in.max-failures-per-address", 30)),
                TimeUnit.SECONDS.toNanos(Math.min(TimeUnit.DAYS.toSeconds(365),
                        Math.max(0, ServerConfig.getLong("agentstream.sign-in.lock-seconds", 300)))));
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
}
