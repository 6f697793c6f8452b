package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A minute's worth of messages passes at once, then one every 60 / limit seconds, each owner on their own. */
class MessageRateTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final LocalMessageRate rate = new LocalMessageRate();

    @Test
    void aBurstOfTheLimitPassesAndTheNextIsToldWhenToComeBack() {
        long now = 5 * SECOND;
        for (int i = 0; i < 6; i++) {
            assertTrue(rate.tryTake("alice", 6, now).isEmpty(), "message " + i);
        }
        OptionalLong wait = rate.tryTake("alice", 6, now);
        assertTrue(wait.isPresent(), "the seventh");
        assertEquals(10_001, wait.getAsLong(), "one token refills in 10 s");

        assertTrue(rate.tryTake("alice", 6, now + 9 * SECOND).isPresent(), "still empty 9 s on");
        assertTrue(rate.tryTake("alice", 6, now + 10 * SECOND).isEmpty(), "one token 10 s on");
        assertTrue(rate.tryTake("alice", 6, now + 10 * SECOND).isPresent(), "and only one");
    }

    @Test
    void ownersHaveBucketsOfTheirOwn() {
        for (int i = 0; i < 3; i++) {
            rate.tryTake("alice", 3, 0);
        }
        assertTrue(rate.tryTake("alice", 3, 0).isPresent());
        assertTrue(rate.tryTake("bob", 3, 0).isEmpty(), "bob is not held back by alice");
    }

    @Test
    void aChangedLimitStartsEveryOwnerAfresh() {
        for (int i = 0; i < 3; i++) {
            rate.tryTake("alice", 3, 0);
        }
        assertTrue(rate.tryTake("alice", 3, 0).isPresent());
        assertTrue(rate.tryTake("alice", 120, 0).isEmpty(), "a raised limit applies at once");
    }

    @Test
    void noLimitLetsEverythingThrough() {
        for (int i = 0; i < 10_000; i++) {
            assertTrue(rate.tryTake("alice", 0, 0).isEmpty());
        }
        assertEquals(0, rate.owners(), "nothing is kept without a limit");
    }

    @Test
    void bucketsUntouchedForAMinuteAreForgotten() {
        for (int i = 0; i < 1000; i++) {
            rate.tryTake("anonymous:" + i, 60, 0);
        }
        assertEquals(1000, rate.owners());
        rate.tryTake("alice", 60, 61 * SECOND);
        assertEquals(1, rate.owners(), "only alice's is left");
    }

    @Test
    void aWaitNeverReadsZero() {
        rate.tryTake("alice", 1_000_000, 0);
        for (int i = 0; i < 1_000_000; i++) {
            rate.tryTake("alice", 1_000_000, 0);
        }
        OptionalLong wait = rate.tryTake("alice", 1_000_000, 0);
        assertTrue(wait.isPresent() && wait.getAsLong() >= 1, String.valueOf(wait));
    }
}
