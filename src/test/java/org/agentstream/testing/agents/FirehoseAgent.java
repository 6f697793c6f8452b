package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ChunkPublisher;

/** A test agent that never ends and sends 64 KiB chunks, to fill the network buffers of a client that stops reading. */
@ApplicationScoped
@AgentName("firehose")
public class FirehoseAgent implements Agent {

    private static final String CHUNK = "x".repeat(64 * 1024);

    @Override
    public String description() {
        return "Test agent: 64 KiB chunks until it is stopped.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        return ChunkPublisher.immediate(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                return CHUNK;
            }
        });
    }
}
