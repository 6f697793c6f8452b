package org.agentstream.agent.openai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentInfo;
import org.agentstream.agent.ConfiguredAgents;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.tools.ToolDirectory;
import org.agentstream.timing.StepTimer;

/** The remote-model agents defined by {@code agentstream.agents.openai}, as the settings say now. */
@ApplicationScoped
public class OpenAiAgents implements ConfiguredAgents {

    @Inject
    private OpenAiAgentSettings settings;

    @Inject
    private ModelHttpClient http;

    @Inject
    private StepTimer timer;

    @Inject
    private ModelObserver.Factory observers;

    @Inject
    private ToolDirectory tools;

    @Override
    public List<AgentInfo> list() {
        return settings.names().stream()
                .flatMap(name -> settings.agent(name).stream())
                .map(config -> new AgentInfo(config.name(), config.description()))
                .toList();
    }

    @Override
    public Optional<Agent> find(String name) {
        return settings.agent(name).map(config -> new OpenAiAgent(name, settings, http, timer, observers, tools));
    }
}
