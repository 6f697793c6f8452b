package org.agentstream.chat;

import java.util.Locale;

/** The {@code code} of an error frame. */
public enum ErrorCode {
    /** Not JSON, not an object, an unknown type, or a missing or empty field. */
    BAD_FRAME,
    /** No agent has that name. */
    UNKNOWN_AGENT,
    /** A cancel named a message that is not streaming on this connection. */
    UNKNOWN_MESSAGE,
    /** The frame is over the size limit. */
    TOO_LARGE,
    /** The agent failed while replying; the stream ends as failed. */
    AGENT_FAILED,
    /** The server (or this connection) streams its maximum of replies; try again later. */
    BUSY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
