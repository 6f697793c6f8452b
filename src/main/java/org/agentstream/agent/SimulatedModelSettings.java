package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.agentstream.config.ServerConfig;

/** Settings of the {@code simulated-model} agent, read each time a reply starts. */
@ApplicationScoped
public class SimulatedModelSettings {

    /** The natural gap between two tokens of the simulated model. */
    public Duration gap() {
        return Duration.ofMillis(Math.max(0, ServerConfig.getLong("agentstream.agent.simulated-model.gap-ms", 30)));
    }

    /** How many words a reply has. */
    public int words() {
        return ServerConfig.getInt("agentstream.agent.simulated-model.words", 60);
    }
}
