package org.agentstream.cluster;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.agentstream.access.MessageRate;
import org.agentstream.access.RateBucket;

/**
 * Each owner's message rate over the whole cluster: their {@link RateBucket} is one grid entry, taken from by every
 * member in turn. Members share no monotonic clock, so buckets are timed by the wall clock in milliseconds (the
 * nodes' clocks kept close by NTP, as a cluster's are); the {@code nowNanos} callers pass is this node's own clock
 * and is not used. An entry not written for a minute goes: its bucket would be full again anyway.
 */
public class GridMessageRate implements MessageRate {

    static final String PREFIX = "rate:";
    private static final Duration FORGET_AFTER = Duration.ofMinutes(1);

    private final SharedMap owners;
    private final LongSupplier wallClockMs;

    public GridMessageRate(Grid grid, LongSupplier wallClockMs) {
        this.owners = grid.map(SharedMap.Name.OWNERS);
        this.wallClockMs = wallClockMs;
    }

    @Override
    public OptionalLong tryTake(String owner, int perMinute, long nowNanos) {
        if (perMinute <= 0) {
            return OptionalLong.empty();
        }
        long[] waitMs = {0};
        owners.update(PREFIX + owner, current -> {
            RateBucket.Take take = RateBucket.take(decode(current), perMinute,
                    TimeUnit.MILLISECONDS.toNanos(wallClockMs.getAsLong()));
            waitMs[0] = take.waitMs();
            RateBucket bucket = take.bucket();
            return bucket.microTokens() + "," + bucket.atNanos() + "," + bucket.perMinute();
        }, FORGET_AFTER);
        return waitMs[0] == 0 ? OptionalLong.empty() : OptionalLong.of(waitMs[0]);
    }

    /** The bucket in {@code microTokens,atNanos,perMinute} (wall clock); null (a full one) for none or other. */
    private static RateBucket decode(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        try {
            return parts.length == 3
                    ? new RateBucket(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]))
                    : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
