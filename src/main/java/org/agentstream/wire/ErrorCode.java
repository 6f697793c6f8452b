package org.agentstream.wire;

import java.util.Locale;
import org.agentstream.agent.AgentFailure;

/** The {@code code} of an error frame. */
public enum ErrorCode {
    /**
     * Not a JSON object, past a limit of the frame scanner, a field of the wrong JSON type, a duplicated key, an
     * unknown type, a missing or empty field, or a binary frame.
     */
    BAD_FRAME,
    /** No agent has that name. */
    UNKNOWN_AGENT,
    /**
     * A cancel named a message that is not streaming on this connection, a resume one that the server holds for
     * no one of this owner (unknown, another owner's, or gone: its window is over and it is not stored), a regenerate
     * a reply the owner has not stored, or an edit no user message of the conversation's current branch.
     */
    UNKNOWN_MESSAGE,
    /**
     * A resume named a reply that already streams on this connection (nothing is sent again), or a regenerate or an
     * edit came while a reply of the conversation still streams (nothing was changed).
     */
    ALREADY_STREAMING,
    /**
     * A regenerate named a reply that is not the last message of its conversation (a later message came, or it was
     * regenerated or edited away already); nothing was changed.
     */
    NOT_LAST_REPLY,
    /**
     * The reply was resumed on another connection of the same owner (names the reply by messageId); this connection
     * gets nothing more of it.
     */
    RESUMED_ELSEWHERE,
    /**
     * The conversation does not exist, was deleted, or is not the caller's (the three cannot be told apart);
     * nothing was started.
     */
    UNKNOWN_CONVERSATION,
    /** The frame is over the size limit. */
    TOO_LARGE,
    /** The agent failed while replying; the stream ends as failed. */
    AGENT_FAILED,
    /** The agent's model server cannot be reached or is unavailable; the stream ends as failed. */
    MODEL_UNAVAILABLE,
    /** The agent's model server refused its credentials; the stream ends as failed. */
    MODEL_AUTH,
    /** The agent's model server is rate limiting; the stream ends as failed. */
    MODEL_RATE_LIMITED,
    /** The agent's model sent nothing for too long; the stream ends as failed. */
    MODEL_TIMEOUT,
    /** The reply ran longer than {@code agentstream.stream.max-reply-ms}; the stream ends as failed. */
    REPLY_TIMEOUT,
    /** The server failed to handle a frame (a bug); the connection goes on. */
    INTERNAL_ERROR,
    /**
     * The server, this connection or this user's connections together stream their maximum of replies; try again
     * later.
     */
    BUSY,
    /**
     * The user (or the anonymous owner) sent more messages than {@code agentstream.chat.max-messages-per-minute}, or
     * more requests for stored conversations than {@code agentstream.chat.max-requests-per-minute};
     * {@code retryAfterMs} says when the next one is accepted. Nothing was done.
     */
    RATE_LIMITED;

    /** The code that tells a client how a reply failed. */
    public static ErrorCode of(AgentFailure.Kind kind) {
        return switch (kind) {
            case AGENT_FAILED -> AGENT_FAILED;
            case MODEL_UNAVAILABLE -> MODEL_UNAVAILABLE;
            case MODEL_AUTH -> MODEL_AUTH;
            case MODEL_RATE_LIMITED -> MODEL_RATE_LIMITED;
            case MODEL_TIMEOUT -> MODEL_TIMEOUT;
            case REPLY_TIMEOUT -> REPLY_TIMEOUT;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
