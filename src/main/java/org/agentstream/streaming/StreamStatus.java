package org.agentstream.streaming;

/** How a reply ended, as {@code stream_end} reports it. */
public enum StreamStatus {
    COMPLETE, CANCELLED, FAILED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
