package org.agentstream.agent;

import java.util.List;

/**
 * What an agent is asked: the user's text, the conversation it belongs to, and that conversation's earlier turns
 * (oldest first; empty for a new conversation or when history is off).
 */
public record AgentRequest(String content, String conversationId, List<Turn> history) {

    public AgentRequest {
        history = history == null ? List.of() : List.copyOf(history);
    }
}
