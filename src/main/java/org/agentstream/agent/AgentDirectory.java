package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds agents by name among the CDI beans qualified with {@link AgentName}, and lists them all. */
@ApplicationScoped
public class AgentDirectory {

    private Instance<Agent> agents;

    protected AgentDirectory() {
        // for the CDI proxy
    }

    @Inject
    public AgentDirectory(@Any Instance<Agent> agents) {
        this.agents = agents;
    }

    public Optional<Agent> find(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        Instance<Agent> named = agents.select(AgentName.Literal.of(name));
        return named.isResolvable() ? Optional.of(named.get()) : Optional.empty();
    }

    public List<AgentInfo> list() {
        return agents.handlesStream()
                .flatMap(handle -> handle.getBean().getQualifiers().stream()
                        .filter(AgentName.class::isInstance)
                        .map(AgentName.class::cast)
                        .map(qualifier -> new AgentInfo(qualifier.value(), handle.get().description())))
                .sorted(Comparator.comparing(AgentInfo::name))
                .toList();
    }
}
