package org.agentstream.agent;

import java.util.Objects;

/**
 * A failure an agent can name, so the user is told what happened (the model server is down, refused the key, is
 * rate limiting, went silent) rather than only that the agent failed. Any other exception is a plain agent failure.
 */
public class AgentFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the user needs to know. */
    public enum Kind {
        /** Anything without a more specific kind. */
        AGENT_FAILED,
        /** The model server cannot be reached or says it is unavailable. */
        MODEL_UNAVAILABLE,
        /** The model server refused the credentials. */
        MODEL_AUTH,
        /** The model server is rate limiting this client. */
        MODEL_RATE_LIMITED,
        /** The model sent nothing for longer than allowed. */
        MODEL_TIMEOUT,
        /** The whole reply took longer than the server allows any reply. */
        REPLY_TIMEOUT
    }

    private final Kind kind;

    public AgentFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    public AgentFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
    }

    public Kind kind() {
        return kind;
    }
}
