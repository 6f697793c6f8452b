package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * This node's failed sign-ins: one count per user name and one per address, each with the time of its last
 * failure. Failures older than the lock time are forgotten, and each kind keeps at most {@link #MAX_KEYS} names or
 * addresses (the one whose last failure is oldest goes first), so names made up by a client cost bounded memory.
 * Sign-ins are rare next to chat traffic: one lock guards both counts, which keeps admitting an attempt atomic.
 */
@ApplicationScoped
@Typed(LocalSignInFailures.class)
public class LocalSignInFailures implements SignInFailures {

    static final int MAX_KEYS = 100_000;

    private final Tally users = new Tally();
    private final Tally addresses = new Tally();

    @Override
    public synchronized OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos) {
        users.forgetExpired(limits.lockNanos(), nowNanos);
        addresses.forgetExpired(limits.lockNanos(), nowNanos);
        long waitNanos = Math.max(users.lockedFor(user, limits.perUser(), limits.lockNanos(), nowNanos),
                addresses.lockedFor(address, limits.perAddress(), limits.lockNanos(), nowNanos));
        if (waitNanos > 0) {
            return OptionalLong.of(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        if (limits.perUser() > 0) {
            users.fail(user, limits.lockNanos(), nowNanos);
        }
        if (limits.perAddress() > 0) {
            addresses.fail(address, limits.lockNanos(), nowNanos);
        }
        return OptionalLong.empty();
    }

    @Override
    public synchronized void succeeded(String user, String address) {
        users.forget(user);
        addresses.takeBackOne(address);
    }

    synchronized int tracked() {
        return users.failures.size() + addresses.failures.size();
    }

    /** Failures of one kind (user names or addresses), in the order of their last failure, oldest first. */
    private static final class Tally {

        /** How many failures in a row, none further apart than the lock time, and when the last was. */
        private record Failures(int count, long lastNanos) {
        }

        private final Map<String, Failures> failures = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > MAX_KEYS;
            }
        };

        long lockedFor(String key, int max, long lockNanos, long nowNanos) {
            Failures known = failures.get(key);
            if (max <= 0 || known == null || known.count() < max) {
                return 0;
            }
            return Math.max(0, lockNanos - (nowNanos - known.lastNanos()));
        }

        void fail(String key, long lockNanos, long nowNanos) {
            Failures known = failures.remove(key);
            int count = known == null || nowNanos - known.lastNanos() >= lockNanos ? 1 : known.count() + 1;
            failures.put(key, new Failures(count, nowNanos));
        }

        void forget(String key) {
            failures.remove(key);
        }

        void takeBackOne(String key) {
            failures.computeIfPresent(key, (name, known) -> known.count() <= 1 ? null
                    : new Failures(known.count() - 1, known.lastNanos()));
        }

        /** Drops what failed longer ago than the lock time: from the oldest on, until one is still recent. */
        void forgetExpired(long lockNanos, long nowNanos) {
            Iterator<Failures> oldestFirst = failures.values().iterator();
            while (oldestFirst.hasNext() && nowNanos - oldestFirst.next().lastNanos() >= lockNanos) {
                oldestFirst.remove();
            }
        }
    }
}
