package org.agentstream.agent;

import java.util.concurrent.Flow;

/**
 * A chat agent: a CDI bean qualified with {@link AgentName}. Dropping one into the WAR (or a jar in it) makes it
 * available by that name; nothing registers it.
 */
public interface Agent {

    /** One line that tells a user what the agent does. */
    String description();

    /**
     * Starts a reply. The publisher emits the reply's {@link ReplyEvent}s in order, honours the subscriber's demand,
     * and stops producing when the subscription is cancelled. A failure is reported through {@code onError} (or
     * thrown here). An agent that only has text publishes plain strings ({@code Flow.Publisher<String>}): each is a
     * {@link ReplyEvent.Text}. Anything else fails the reply.
     */
    Flow.Publisher<?> reply(AgentRequest request);
}
