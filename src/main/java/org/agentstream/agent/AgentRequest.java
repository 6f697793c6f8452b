package org.agentstream.agent;

/** What an agent is asked: the user's text and, when the client gave one, the conversation it belongs to. */
public record AgentRequest(String content, String conversationId) {
}
