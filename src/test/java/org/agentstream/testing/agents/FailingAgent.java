package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ChunkPublisher;

/** A test agent that produces three chunks and then throws, as a broken agent would. */
@ApplicationScoped
@AgentName("failing")
public class FailingAgent implements Agent {

    @Override
    public String description() {
        return "Test agent: three chunks, then an exception.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        return ChunkPublisher.immediate(new Iterator<>() {
            private int produced;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (produced == 3) {
                    throw new IllegalStateException("the failing agent failed on purpose");
                }
                return "part" + produced++ + " ";
            }
        });
    }
}
