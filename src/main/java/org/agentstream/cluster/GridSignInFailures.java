package org.agentstream.cluster;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.agentstream.access.SignInFailures;

/**
 * Failed sign-ins over the whole cluster, so that trying passwords on each node in turn gains nothing: one grid
 * entry per user name and one per address, {@code count,lastFailureNanos} on the wall clock (members share no other),
 * gone by itself a lock time after its last failure. An attempt takes a failure from the name, then from the address,
 * each atomically; if the address turns out locked, the name's is given back.
 */
public class GridSignInFailures implements SignInFailures {

    static final String USERS = "sign-in-user:";
    static final String ADDRESSES = "sign-in-address:";

    private final SharedMap owners;
    private final LongSupplier wallClockMs;

    public GridSignInFailures(Grid grid, LongSupplier wallClockMs) {
        this.owners = grid.map(SharedMap.Name.OWNERS);
        this.wallClockMs = wallClockMs;
    }

    /** How many failures in a row, none further apart than the lock time then in force, and when the last was. */
    private record Failures(int count, long lastNanos, long lockNanos) {

        /** The key's failures that still count at {@code nowNanos}; null if none. */
        static Failures parse(String value, long nowNanos) {
            if (value == null) {
                return null;
            }
            String[] parts = value.split(",", -1);
            try {
                Failures known = new Failures(Integer.parseInt(parts[0]), Long.parseLong(parts[1]),
                        Long.parseLong(parts[2]));
                return parts.length == 3 && nowNanos - known.lastNanos() < known.lockNanos() ? known : null;
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException notOurs) {
                return null;
            }
        }

        @Override
        public String toString() {
            return count + "," + lastNanos + "," + lockNanos;
        }
    }

    @Override
    public OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos) {
        long now = TimeUnit.MILLISECONDS.toNanos(wallClockMs.getAsLong());
        long userWait = fail(USERS + user, limits.perUser(), limits.lockNanos(), now);
        if (userWait > 0) {
            return waitOf(userWait);
        }
        long addressWait = fail(ADDRESSES + address, limits.perAddress(), limits.lockNanos(), now);
        if (addressWait > 0) {
            if (limits.perUser() > 0) {
                takeBackOne(USERS + user);
            }
            return waitOf(addressWait);
        }
        return OptionalLong.empty();
    }

    @Override
    public void succeeded(String user, String address) {
        owners.update(USERS + user, current -> null, Duration.ZERO);
        takeBackOne(ADDRESSES + address);
    }

    /**
     * Counts one failure for the key unless it is at {@code max} already; returns 0 if counted (or with no limit),
     * else the nanoseconds until the key may try again.
     */
    private long fail(String key, int max, long lockNanos, long now) {
        if (max <= 0 || lockNanos <= 0) {
            return 0;
        }
        long[] waitNanos = {0};
        owners.update(key, current -> {
            Failures known = Failures.parse(current, now);
            if (known != null && known.count() >= max) {
                waitNanos[0] = Math.max(1, known.lockNanos() - (now - known.lastNanos()));
                return current;
            }
            waitNanos[0] = 0;
            return new Failures(known == null ? 1 : known.count() + 1, now, lockNanos).toString();
        }, Duration.ofNanos(lockNanos));
        return waitNanos[0];
    }

    /** Takes one failure back from the key; its entry stays for its lock time (an expired failure never counts). */
    private void takeBackOne(String key) {
        long now = TimeUnit.MILLISECONDS.toNanos(wallClockMs.getAsLong());
        Failures seen = Failures.parse(owners.get(key), now);
        if (seen == null) {
            return;
        }
        owners.update(key, current -> {
            Failures known = Failures.parse(current, now);
            return known == null || known.count() <= 1 ? null
                    : new Failures(known.count() - 1, known.lastNanos(), known.lockNanos()).toString();
        }, Duration.ofNanos(seen.lockNanos()));
    }

    private static OptionalLong waitOf(long nanos) {
        return OptionalLong.of(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
    }
}
