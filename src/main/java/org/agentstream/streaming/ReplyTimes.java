package org.agentstream.streaming;

/**
 * When a reply's message arrived and its first frame left, and the observer (metrics, traces) that hears of its
 * writes and end. The arrival and the observer are set before the reply starts; the first frame's time is written and
 * read under the reply's lock.
 */
final class ReplyTimes {

    private volatile ReplyObserver observer = ReplyObserver.NONE;
    private volatile long arrivedNanos = Long.MIN_VALUE;
    private long firstSentNanos;

    void observe(ReplyObserver to, long arrived) {
        arrivedNanos = arrived;
        observer = to;
    }

    ReplyObserver observer() {
        return observer;
    }

    /** How long after its message arrived {@code nanos} is. */
    long sinceArrival(long nanos) {
        return nanos - arrivedNanos;
    }

    /** The reply ended, as {@code end} says, at {@code nanos}. */
    void ended(ReplyEnd end, long nanos) {
        observer.ended(end.status(), end.chunks(), sinceArrival(nanos));
    }

    /** Frame {@code seq} was written (or logged with no client) at {@code nanos}; under the reply's lock. */
    boolean sent(int seq, long nanos) {
        if (seq == 0) {
            firstSentNanos = nanos;
        }
        return seq == 0;
    }

    /** Milliseconds from the arrival to the first frame, or null if none was sent or the arrival is not known. */
    Long firstChunkMs(int frames) {
        long arrived = arrivedNanos;
        return frames == 0 || arrived == Long.MIN_VALUE ? null : Math.max(0, firstSentNanos - arrived) / 1_000_000;
    }
}
