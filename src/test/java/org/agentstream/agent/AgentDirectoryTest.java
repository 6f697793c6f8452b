package org.agentstream.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.util.List;
import org.agentstream.testagents.FailingAgent;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/** Agents are found by the qualifier on their bean, in Weld: adding a bean is all it takes. */
@EnableWeld
class AgentDirectoryTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(AgentDirectory.class, EchoAgent.class, SimulatedModelAgent.class,
            SimulatedModelSettings.class, FailingAgent.class).build();

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

        assertEquals(List.of("echo", "failing", "simulated-model"), agents.stream().map(AgentInfo::name).toList());
        assertTrue(agents.stream().allMatch(agent -> !agent.description().isBlank()));
    }
}
