package org.agentstream.agent.tools;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.agentstream.config.ServerConfig;

/**
 * The tools an agent is offered and the bounds on calling them, as its settings say when a reply starts:
 * {@code agentstream.agent.<name>.tools} (tool names, comma-separated; none by default),
 * {@code .tool-timeout-ms} (how long one call may run), {@code .max-tool-rounds} (how many times one reply may go
 * back to the model with tool results) and {@code .max-tool-calls} (how many calls one answer of the model may ask).
 */
public record AgentTools(List<String> names, Duration timeout, int maxRounds, int maxCalls) {

    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_MAX_ROUNDS = 8;
    public static final int DEFAULT_MAX_CALLS = 16;

    /** No tools. */
    public static final AgentTools NONE = new AgentTools(List.of(), Duration.ofMillis(DEFAULT_TIMEOUT_MS),
            DEFAULT_MAX_ROUNDS);

    public AgentTools {
        names = List.copyOf(names);
    }

    /** With the default bound on calls per answer. */
    public AgentTools(List<String> names, Duration timeout, int maxRounds) {
        this(names, timeout, maxRounds, DEFAULT_MAX_CALLS);
    }

    /** The settings of the agent {@code agent} now. */
    public static AgentTools of(String agent) {
        String prefix = "agentstream.agent." + agent + ".";
        List<String> names = ServerConfig.getString(prefix + "tools")
                .map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                        .distinct().toList())
                .orElse(List.of());
        return new AgentTools(names,
                Duration.ofMillis(Math.max(1, ServerConfig.getLong(prefix + "tool-timeout-ms", DEFAULT_TIMEOUT_MS))),
                Math.max(0, ServerConfig.getInt(prefix + "max-tool-rounds", DEFAULT_MAX_ROUNDS)),
                Math.max(0, ServerConfig.getInt(prefix + "max-tool-calls", DEFAULT_MAX_CALLS)));
    }
}
