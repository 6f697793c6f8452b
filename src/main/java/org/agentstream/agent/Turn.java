package org.agentstream.agent;

/** One earlier message of a conversation, as an agent is shown it: {@code user} or {@code assistant}, and its text. */
public record Turn(String role, String agent, String content) {
}
