package org.agentstream.agent;

import java.util.List;
import java.util.Optional;

/**
 * A bean that supplies agents defined by settings rather than by a bean each, such as remote models. The
 * {@link AgentDirectory} asks it on every lookup, so an agent added or changed in the admin console is there at once.
 */
public interface ConfiguredAgents {

    /** The agents the settings define now. */
    List<AgentInfo> list();

    /** The agent of that name as the settings define it now; empty when there is none. */
    Optional<Agent> find(String name);
}
