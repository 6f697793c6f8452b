package org.agentstream.agent;

/** An agent as the agent list shows it. */
public record AgentInfo(String name, String description) {
}
