package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;

/**
 * A test agent that echoes like {@code echo} but holds each reply halfway (after at least one chunk) until the
 * test releases it, so a test can count what is open at one moment however slow the machine is.
 */
@ApplicationScoped
@AgentName("held")
public class HeldAgent implements Agent {

    @Inject
    @AgentName("echo")
    private Agent echo;

    @Inject
    private HeldReplies held;

    @Override
    public String description() {
        return "Test agent: echoes your words, but holds the reply halfway until the test releases it.";
    }

    @Override
    public Flow.Publisher<Object> reply(AgentRequest request) {
        int words = request.content().strip().split("\\s+").length;
        return held.hold(echo.reply(request), Math.max(1, words / 2));
    }
}
