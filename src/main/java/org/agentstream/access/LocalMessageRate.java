package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * This node's message rate: a bucket of {@code perMinute} tokens per owner that refills evenly over a minute. A
 * changed limit starts every owner with a full bucket of the new size. Full buckets are forgotten at most once a
 * minute, so owner keys made up by a client cost no memory for long.
 */
@ApplicationScoped
public class LocalMessageRate implements MessageRate {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Tokens left (in millionths, to refill by fractions exactly) when last seen, under the limit then in force. */
    private record Bucket(long microTokens, long atNanos, int perMinute) {
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long sweptAt = Long.MIN_VALUE;

    @Override
    public OptionalLong tryTake(String owner, int perMinute, long nowNanos) {
        if (perMinute <= 0) {
            return OptionalLong.empty();
        }
        sweep(nowNanos);
        long full = perMinute * 1_000_000L;
        long[] waitMs = {-1};
        buckets.compute(owner, (key, bucket) -> {
            long tokens = bucket == null || bucket.perMinute() != perMinute ? full
                    : refilled(bucket, perMinute, nowNanos, full);
            if (tokens >= 1_000_000L) {
                return new Bucket(tokens - 1_000_000L, nowNanos, perMinute);
            }
            long missingNanos = (1_000_000L - tokens) * MINUTE_NANOS / full;
            waitMs[0] = Math.max(1, TimeUnit.NANOSECONDS.toMillis(missingNanos) + 1);
            return new Bucket(tokens, nowNanos, perMinute);
        });
        return waitMs[0] < 0 ? OptionalLong.empty() : OptionalLong.of(waitMs[0]);
    }

    private static long refilled(Bucket bucket, int perMinute, long nowNanos, long full) {
        long elapsed = Math.max(0, nowNanos - bucket.atNanos());
        if (elapsed >= MINUTE_NANOS) {
            return full;
        }
        return Math.min(full, bucket.microTokens() + elapsed * perMinute / (MINUTE_NANOS / 1_000_000L));
    }

    /** Drops buckets that have refilled (untouched for a minute): they would start full anyway. */
    private void sweep(long nowNanos) {
        long last = sweptAt;
        if (last != Long.MIN_VALUE && nowNanos - last < MINUTE_NANOS) {
            return;
        }
        sweptAt = nowNanos;
        buckets.values().removeIf(bucket -> nowNanos - bucket.atNanos() >= MINUTE_NANOS);
    }

    int owners() {
        return buckets.size();
    }
}
