package org.agentstream.streaming;

import java.util.Locale;

/**
 * How a reply ended. The first three are what {@code stream_end} reports; a reply whose client went away ends
 * {@code INTERRUPTED}, with no frame (there is no one to send it to).
 */
public enum StreamStatus {
    COMPLETE, CANCELLED, FAILED, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
