package org.agentstream.agent.openai;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.agentstream.agent.tools.AgentTools;
import org.agentstream.config.ServerConfig;

/**
 * The remote-model agents the server's settings define: {@code agentstream.agents.openai} lists their names, and
 * {@code agentstream.agent.<name>.*} configures each one. Read on every call, so a change in the admin console
 * applies to the next lookup and reply. An agent without a base URL or model is left out, with one warning.
 */
@ApplicationScoped
public class OpenAiAgentSettings {

    static final String AGENTS = "agentstream.agents.openai";
    static final long DEFAULT_STALL_TIMEOUT_MS = 60_000;
    static final int DEFAULT_HISTORY_TURNS = 20;

    private static final Logger LOG = Logger.getLogger(OpenAiAgentSettings.class.getName());
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public List<String> names() {
        return ServerConfig.getString(AGENTS)
                .map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                        .distinct().toList())
                .orElse(List.of());
    }

    /** The agent of that name if it is listed and complete. */
    public Optional<OpenAiAgentConfig> agent(String name) {
        if (name == null || !names().contains(name)) {
            return Optional.empty();
        }
        String prefix = "agentstream.agent." + name + ".";
        Optional<String> baseUrl = ServerConfig.getString(prefix + "base-url");
        Optional<String> model = ServerConfig.getString(prefix + "model");
        if (baseUrl.isEmpty() || model.isEmpty()) {
            warnOnce(name + " incomplete", "Remote-model agent " + name + " is listed in " + AGENTS + " but has no "
                    + (baseUrl.isEmpty() ? prefix + "base-url" : prefix + "model") + "; it is left out");
            return Optional.empty();
        }
        String url = baseUrl.get().replaceAll("/+$", "");
        return Optional.of(new OpenAiAgentConfig(name, url, model.get(), apiKey(name, prefix),
                ServerConfig.getDouble(prefix + "temperature", null),
                ServerConfig.getString(prefix + "system-prompt").orElse(null),
                Duration.ofMillis(Math.max(1, ServerConfig.getLong(prefix + "timeout-ms", DEFAULT_STALL_TIMEOUT_MS))),
                ServerConfig.getString(prefix + "description")
                        .orElseGet(() -> "Remote model " + model.get() + " at " + host(url) + "."),
                Math.max(0, ServerConfig.getInt(prefix + "history-turns", DEFAULT_HISTORY_TURNS)),
                AgentTools.of(name)));
    }

    /** The key itself, or the environment variable that holds it; never logged. */
    private String apiKey(String name, String prefix) {
        Optional<String> key = ServerConfig.getString(prefix + "api-key");
        if (key.isPresent()) {
            return key.get();
        }
        Optional<String> variable = ServerConfig.getString(prefix + "api-key-env");
        if (variable.isEmpty()) {
            return null;
        }
        String value = System.getenv(variable.get());
        if (value == null || value.isBlank()) {
            warnOnce(name + " key " + variable.get(), "Remote-model agent " + name + ": the environment variable "
                    + variable.get() + " named by " + prefix + "api-key-env is not set; calling without a key");
            return null;
        }
        return value.strip();
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.warning(message);
        }
    }

    private static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? url : host;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
