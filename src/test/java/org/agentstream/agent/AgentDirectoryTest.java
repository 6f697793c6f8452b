package org.agentstream.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.agentstream.testing.agents.FailingAgent;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.timing.StepTimer;
import org.jboss.weld.junit.MockBean;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/** Agents are found by the qualifier on their bean, or from a bean that defines them by settings, in Weld. */
@EnableWeld
class AgentDirectoryTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(AgentDirectory.class, EchoAgent.class, SimulatedModelAgent.class,
            SimulatedModelSettings.class, FailingAgent.class, TwoRemoteAgents.class)
            .addBeans(MockBean.builder().types(StepTimer.class).creating(new VirtualScheduler()).build()).build();

    @Inject
    AgentDirectory directory;

    @Test
    void findsAnAgentByItsQualifier() {
        assertTrue(directory.find("echo").orElseThrow() instanceof EchoAgent);
        assertTrue(directory.find("failing").orElseThrow() instanceof FailingAgent,
                "a bean added beside the built-in agents is found by its name alone");
    }

    @Test
    void anUnknownNameIsEmptyNotAnException() {
        assertTrue(directory.find("nobody").isEmpty());
        assertTrue(directory.find("").isEmpty());
        assertTrue(directory.find(null).isEmpty());
    }

    @Test
    void listsEveryAgentByNameWithItsDescription() {
        List<AgentInfo> agents = directory.list();

        assertEquals(List.of("echo", "failing", "remote", "simulated-model"),
                agents.stream().map(AgentInfo::name).toList());
        assertTrue(agents.stream().allMatch(agent -> !agent.description().isBlank()));
    }

    @Test
    void findsAndListsAnAgentDefinedBySettings() {
        assertTrue(directory.find("remote").orElseThrow() instanceof RemoteAgent);
        assertTrue(directory.list().contains(new AgentInfo("remote", "configured remote")));
    }

    @Test
    void aBeanWinsOverAConfiguredAgentOfTheSameName() {
        assertTrue(directory.find("echo").orElseThrow() instanceof EchoAgent);
        assertEquals(1, directory.list().stream().filter(agent -> agent.name().equals("echo")).count());
        assertFalse(directory.list().contains(new AgentInfo("echo", "configured echo")));
    }

    /** Stands in for a bean that defines agents from settings: "remote", and an "echo" that a bean shadows. */
    @ApplicationScoped
    static class TwoRemoteAgents implements ConfiguredAgents {
        @Override
        public List<AgentInfo> list() {
            return List.of(new AgentInfo("remote", "configured remote"), new AgentInfo("echo", "configured echo"));
        }

        @Override
        public Optional<Agent> find(String name) {
            return name.equals("remote") || name.equals("echo") ? Optional.of(new RemoteAgent()) : Optional.empty();
        }
    }

    static final class RemoteAgent implements Agent {
        @Override
        public String description() {
            return "configured remote";
        }

        @Override
        public Flow.Publisher<String> reply(AgentRequest request) {
            return ChunkPublisher.immediate(List.of("hi").iterator());
        }
    }
}
