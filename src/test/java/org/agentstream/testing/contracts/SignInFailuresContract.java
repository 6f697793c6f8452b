package org.agentstream.testing.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.agentstream.access.SignInFailures.Limits;
import org.junit.jupiter.api.Test;

/**
 * What every {@link org.agentstream.access.SignInFailures} does, this node's and the cluster's: a user name or an
 * address past its failures is refused for the lock time after its last failure; a sign-in forgets the name's
 * failures and one of the address's; old failures and limits turned down are forgotten.
 */
public abstract class SignInFailuresContract {

    protected static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Limits LIMITS = new Limits(3, 10, 60 * SECOND);

    /** Attempts a sign-in at {@code nowNanos} (whole seconds in these tests). */
    protected abstract OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos);

    protected abstract void succeeded(String user, String address);

    private boolean admitted(String user, String address, long now) {
        return tryAttempt(user, address, LIMITS, now).isEmpty();
    }

    @Test
    void aUserNamePastItsFailuresIsRefusedUntilTheLockTimeAfterTheLastIsOver() {
        for (int i = 0; i < 3; i++) {
            assertTrue(admitted("alice", "10.0.0." + i, i * SECOND), "failure " + i);
        }
        OptionalLong wait = tryAttempt("alice", "10.0.0.9", LIMITS, 3 * SECOND);
        assertEquals(OptionalLong.of(59_000), wait, "60 s after the third failure, at 2 s");
        assertTrue(tryAttempt("alice", "10.0.0.9", LIMITS, 61 * SECOND).isPresent(), "still, 59 s after");
        assertTrue(admitted("alice", "10.0.0.9", 62 * SECOND), "free again 60 s after the last failure");
        assertTrue(admitted("bob", "10.0.0.0", 3 * SECOND), "another user name is not held back by alice's");
    }

    @Test
    void refusedAttemptsAreNotCountedSoTheLockEndsOnTime() {
        for (int i = 0; i < 3; i++) {
            admitted("alice", "10.0.0.1", 0);
        }
        for (int i = 1; i < 60; i++) {
            assertTrue(tryAttempt("alice", "10.0.0.1", LIMITS, i * SECOND).isPresent(), "second " + i);
        }
        assertTrue(admitted("alice", "10.0.0.1", 60 * SECOND));
    }

    @Test
    void anAddressPastItsFailuresIsRefusedForEveryUserName() {
        for (int i = 0; i < 10; i++) {
            assertTrue(admitted("guess-" + i, "10.0.0.1", 0), "failure " + i);
        }
        assertTrue(tryAttempt("alice", "10.0.0.1", LIMITS, 0).isPresent(), "a name never tried before");
        assertTrue(admitted("alice", "10.0.0.2", 0), "another address is not held back");
    }

    @Test
    void attemptsCountBeforeTheirPasswordIsCheckedSoParallelOnesCannotOvertakeTheLimit() {
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += admitted("alice", "10.0.0.1", 0) ? 1 : 0;
        }
        assertEquals(3, admitted, "twenty at once, none answered yet");
    }

    @Test
    void aSignInForgetsTheUserNamesFailuresAndOneOfTheAddresss() {
        for (int i = 0; i < 2; i++) {
            admitted("alice", "10.0.0.1", 0);
        }
        admitted("alice", "10.0.0.1", 0);
        succeeded("alice", "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(admitted("alice", "10.0.0.1", SECOND), "alice starts afresh: " + i);
        }
        assertTrue(tryAttempt("alice", "10.0.0.1", LIMITS, SECOND).isPresent());

        Limits perAddress = new Limits(0, 3, 60 * SECOND);
        for (int i = 0; i < 3; i++) {
            tryAttempt("guess-" + i, "10.0.0.2", perAddress, 0);
        }
        succeeded("bob", "10.0.0.2");
        assertTrue(tryAttempt("carol", "10.0.0.2", perAddress, 0).isEmpty(), "one taken back");
        assertTrue(tryAttempt("carol", "10.0.0.2", perAddress, 0).isPresent(), "and only one");
    }

    @Test
    void failuresFurtherApartThanTheLockTimeStartTheCountAgain() {
        for (int i = 0; i < 10; i++) {
            assertTrue(admitted("alice", "10.0.0.1", i * 61 * SECOND), "one a minute and a second: " + i);
        }
    }

    @Test
    void aLimitRaisedOrTurnedOffReleasesAtOnce() {
        for (int i = 0; i < 3; i++) {
            admitted("alice", "10.0.0.1", 0);
        }
        assertTrue(tryAttempt("alice", "10.0.0.1", LIMITS, 0).isPresent());
        assertTrue(tryAttempt("alice", "10.0.0.1", new Limits(4, 10, 60 * SECOND), 0).isEmpty(), "raised");
        assertTrue(tryAttempt("alice", "10.0.0.1", new Limits(0, 0, 60 * SECOND), 0).isEmpty(), "off");
        assertTrue(tryAttempt("alice", "10.0.0.1", new Limits(3, 10, 0), 0).isEmpty(), "no lock time");
    }
}
