package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * This node's message rate: a {@link RateBucket} per owner. Full buckets are forgotten at most once a
 * minute, so owner keys made up by a client cost no memory for long.
 */
@ApplicationScoped
@Typed(LocalMessageRate.class)
public class LocalMessageRate implements MessageRate {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, RateBucket> buckets = new ConcurrentHashMap<>();
    private volatile long sweptAt = Long.MIN_VALUE;

    @Override
    public OptionalLong tryTake(String owner, int perMinute, long nowNanos) {
        if (perMinute <= 0) {
            return OptionalLong.empty();
        }
        sweep(nowNanos);
        long[] waitMs = {0};
        buckets.compute(owner, (key, bucket) -> {
            RateBucket.Take take = RateBucket.take(bucket, perMinute, nowNanos);
            waitMs[0] = take.waitMs();
            return take.bucket();
        });
        return waitMs[0] == 0 ? OptionalLong.empty() : OptionalLong.of(waitMs[0]);
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
