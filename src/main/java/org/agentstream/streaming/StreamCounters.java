package org.agentstream.streaming;

import java.util.concurrent.atomic.LongAdder;

/** What the streaming core has done since the application started, counted without a lock: {@code /status}'s source. */
final class StreamCounters {

    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder resumed = new LongAdder();

    void started() {
        started.increment();
    }

    void ended(StreamStatus status) {
        switch (status) {
            case COMPLETE -> completed.increment();
            case CANCELLED -> cancelled.increment();
            case FAILED -> failed.increment();
            case INTERRUPTED -> disconnected.increment();
        }
    }

    void refused() {
        busy.increment();
    }

    void resumed() {
        resumed.increment();
    }

    /** The counts, with the replies streaming and those held for resuming now. */
    StreamStats stats(int active, int resumable) {
        return new StreamStats(active, started.sum(), completed.sum(), cancelled.sum(), failed.sum(),
                disconnected.sum(), busy.sum(), resumable, resumed.sum());
    }
}
