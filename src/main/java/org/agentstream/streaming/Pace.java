package org.agentstream.streaming;

/** When a reply's next chunk may leave: a pause after the previous one left. Not thread-safe: its reply guards it. */
final class Pace {

    private final long pauseNanos;
    private long nextAt;
    /** Whether a chunk left yet: the first one waits for nothing, whatever the clock says. */
    private boolean started;

    Pace(long pauseNanos) {
        this.pauseNanos = Math.max(0, pauseNanos);
    }

    /** How long the next chunk must still wait at {@code now}; zero or less: it may leave. */
    long waitNanos(long now) {
        return started ? nextAt - now : 0;
    }

    /** A chunk left at {@code sentNanos}. */
    void sent(long sentNanos) {
        started = true;
        nextAt = sentNanos + pauseNanos;
    }
}
