package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ChunkPublisher;

/** A test agent whose reply never ends on its own: only a cancel or a disconnect stops it. */
@ApplicationScoped
@AgentName("endless")
public class EndlessAgent implements Agent {

    @Override
    public String description() {
        return "Test agent: produces chunks until it is stopped.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        return ChunkPublisher.immediate(new Iterator<>() {
            private long produced;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                return "tick" + produced++ + " ";
            }
        });
    }
}
