package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;

/**
 * A test agent that is broken in the worst quiet way: it never emits, never completes, never fails, and ignores
 * cancel. Only the server's own limits (a cancel, a disconnect, {@code agentstream.stream.max-reply-ms}) can end
 * its reply.
 */
@ApplicationScoped
@AgentName("silent")
public class SilentAgent implements Agent {

    @Override
    public String description() {
        return "Test agent: never says anything and ignores cancel.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                // takes the demand and produces nothing
            }

            @Override
            public void cancel() {
                // ignores it, as a hung agent would
            }
        });
    }
}
