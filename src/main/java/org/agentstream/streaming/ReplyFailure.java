package org.agentstream.streaming;

import org.agentstream.agent.AgentFailure;

/** Why a reply failed, as the client is told: what kind of failure, and a message for the user. */
public record ReplyFailure(AgentFailure.Kind kind, String message) {

    public static ReplyFailure of(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            message = failure.getClass().getSimpleName();
        }
        return new ReplyFailure(failure instanceof AgentFailure named ? named.kind() : AgentFailure.Kind.AGENT_FAILED,
                message);
    }
}
