package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds agents by name among the CDI beans qualified with {@link AgentName} and the agents that
 * {@link ConfiguredAgents} beans define from settings, and lists them all. A bean wins over a configured agent
 * of the same name.
 */
@ApplicationScoped
public class AgentDirectory {

    private Instance<Agent> agents;
    private Instance<ConfiguredAgents> configured;

    protected AgentDirectory() {
        // for the CDI proxy
    }

    @Inject
    public AgentDirectory(@Any Instance<Agent> agents, @Any Instance<ConfiguredAgents> configured) {
        this.agents = agents;
        this.configured = configured;
    }

    public Optional<Agent> find(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        Instance<Agent> named = agents.select(AgentName.Literal.of(name));
        if (named.isResolvable()) {
            return Optional.of(named.get());
        }
        return configured.stream().flatMap(source -> source.find(name).stream()).findFirst();
    }

    public List<AgentInfo> list() {
        List<AgentInfo> beans = agents.handlesStream()
                .flatMap(handle -> handle.getBean().getQualifiers().stream()
                        .filter(AgentName.class::isInstance)
                        .map(AgentName.class::cast)
                        .map(qualifier -> new AgentInfo(qualifier.value(), handle.get().description())))
                .toList();
        Set<String> taken = beans.stream().map(AgentInfo::name).collect(Collectors.toSet());
        return Stream.concat(beans.stream(), configured.stream()
                        .flatMap(source -> source.list().stream())
                        .filter(agent -> taken.add(agent.name())))
                .sorted(Comparator.comparing(AgentInfo::name))
                .toList();
    }
}
