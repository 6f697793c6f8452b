package org.agentstream.agent;

/**
 * One earlier turn of a conversation as an agent sees it: who spoke ({@code user} or {@code assistant}), the agent
 * that was asked or answered, and the text.
 */
public record Turn(String role, String agent, String content) {
}
