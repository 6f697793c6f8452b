package org.agentstream.streaming;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.agentstream.timing.WakeUpTimer;

/**
 * Whether a reply may start now: under its connection's, the server's and its owner's limits, and (when the admin
 * set {@code max-lag-ms}) while the timer keeps its schedule. A request that is not taken gets {@code busy} at
 * once, with a retry hint, and holds no place. {@code wakeUps} is the timer when it knows its lag and its room,
 * else null (the overload rule is then off).
 */
record AdmissionRules(ActiveReplies active, OwnerReplies owners, WakeUpTimer wakeUps, StreamCounters counters) {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** Takes a place for the reply under every limit, or answers busy and takes none. */
    boolean tryTake(ConnectionStreams connection, ReplySink sink, String replyTo, StreamSettings.Values values) {
        if (connection.size() >= values.maxStreamsPerConnection()) {
            refuse(sink, replyTo, "this connection already streams " + values.maxStreamsPerConnection() + " replies");
            return false;
        }
        if (!values.maxLag().isZero() && wakeUps != null && overloaded(sink, replyTo, values)) {
            return false;
        }
        if (!active.tryTake(values.maxStreams())) {
            refuse(sink, replyTo, "the server streams its maximum of " + values.maxStreams() + " replies");
            return false;
        }
        if (connection.owner() != null && !owners.tryTake(connection.owner(), values.maxStreamsPerUser())) {
            active.release();
            refuse(sink, replyTo, "your connections already stream " + values.maxStreamsPerUser() + " replies");
            return false;
        }
        return true;
    }

    /** Gives back the place a reply of {@code owner} (null: no owner) took. */
    void release(String owner) {
        active.release();
        if (owner != null) {
            owners.release(owner);
        }
    }

    /** Answers busy, with a retry hint, to a request that was not taken. */
    void refuse(ReplySink sink, String replyTo, String reason) {
        counters.refused();
        sink.busy(replyTo, reason, RETRY_AFTER);
    }

    /**
     * The overload rule, on while {@code max-lag-ms} is set: refuses a request while the timer runs further behind
     * its schedule than that, or while the replies streaming would, at one chunk per pause each, fill the timer's
     * lanes (judged from the measured cost of a step), so that admitted replies keep their pace.
     */
    private boolean overloaded(ReplySink sink, String replyTo, StreamSettings.Values values) {
        long lagNanos = wakeUps.lagNanos();
        if (lagNanos > values.maxLag().toNanos()) {
            refuse(sink, replyTo, "the server runs " + TimeUnit.NANOSECONDS.toMillis(lagNanos)
                    + " ms behind its schedule (its limit is " + values.maxLag().toMillis() + " ms)");
            return true;
        }
        long pauseNanos = values.pause().toNanos();
        if (pauseNanos > 0 && !wakeUps.hasRoomFor(active.count() + 1L, pauseNanos)) {
            refuse(sink, replyTo, "the server streams as many replies as it can keep on time (" + active.count() + ")");
            return true;
        }
        return false;
    }
}
