package org.agentstream.agent.tools;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.Tool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.Test;

/** Two tools of one name are a deployment error, not a tool that wins by chance. */
class ToolDiscoveryTest {

    @Test
    void twoToolsOfOneNameFailTheDeployment() {
        Weld weld = new Weld().disableDiscovery().addExtension(new ToolDiscovery())
                .addBeanClasses(OneClock.class, AnotherClock.class);

        RuntimeException failed = assertThrows(RuntimeException.class, () -> weld.initialize().close());
        assertTrue(failed.getMessage().contains("Two tools are named clock"), failed.getMessage());
    }

    @ApplicationScoped
    static class OneClock {
        @Tool(name = "clock", value = "one")
        public String now() {
            return "one";
        }
    }

    @ApplicationScoped
    static class AnotherClock {
        @Tool(name = "clock", value = "another")
        public String time() {
            return "another";
        }
    }
}
