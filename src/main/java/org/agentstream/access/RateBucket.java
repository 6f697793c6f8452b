package org.agentstream.access;

import java.util.concurrent.TimeUnit;

/**
 * One owner's bucket of message tokens: {@code perMinute} of them, refilled evenly over a minute, kept in millionths
 * so that fractions refill exactly. Every {@link MessageRate} takes its tokens by this rule, whatever clock it reads
 * (in nanoseconds). A bucket made under another limit starts full at the new one.
 *
 * @param microTokens tokens left, in millionths, when last seen
 * @param atNanos when it was last seen, on the clock of whoever keeps it
 * @param perMinute the limit it was made under
 */
public record RateBucket(long microTokens, long atNanos, int perMinute) {

    private static final long ONE = 1_000_000L;
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The bucket after one take, and how long (in milliseconds) the message must wait; 0: it may go now. */
    public record Take(RateBucket bucket, long waitMs) {
    }

    /** Takes a token from {@code bucket} (null: none yet) at {@code nowNanos} under {@code perMinute}. */
    public static Take take(RateBucket bucket, int perMinute, long nowNanos) {
        long full = perMinute * ONE;
        long tokens = bucket == null || bucket.perMinute() != perMinute ? full : bucket.refilled(nowNanos, full);
        if (tokens >= ONE) {
            return new Take(new RateBucket(tokens - ONE, nowNanos, perMinute), 0);
        }
        long missingNanos = (ONE - tokens) * MINUTE_NANOS / full;
        return new Take(new RateBucket(tokens, nowNanos, perMinute),
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(missingNanos) + 1));
    }

    private long refilled(long nowNanos, long full) {
        long elapsed = Math.max(0, nowNanos - atNanos);
        if (elapsed >= MINUTE_NANOS) {
            return full;
        }
        return Math.min(full, microTokens + elapsed * perMinute / (MINUTE_NANOS / ONE));
    }
}
