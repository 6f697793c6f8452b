package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.agentstream.access.SignInFailures.Limits;
import org.junit.jupiter.api.Test;

/**
 * A user name or an address past its failures is refused for the lock time after its last failure; a sign-in
 * forgets the name's failures and one of the address's; old failures and limits turned down are forgotten.
 */
class SignInFailuresTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Limits LIMITS = new Limits(3, 10, 60 * SECOND);
    private final LocalSignInFailures failures = new LocalSignInFailures();

    private boolean admitted(String user, String address, long now) {
        return failures.tryAttempt(user, address, LIMITS, now).isEmpty();
    }

    @Test
    void aUserNamePastItsFailuresIsRefusedUntilTheLockTimeAfterTheLastIsOver() {
        for (int i = 0; i < 3; i++) {
            assertTrue(admitted("alice", "10.0.0." + i, i * SECOND), "failure " + i);
        }
        OptionalLong wait = failures.tryAttempt("alice", "10.0.0.9", LIMITS, 3 * SECOND);
        assertEquals(OptionalLong.of(59_000), wait, "60 s after the third failure, at 2 s");
        assertTrue(failures.tryAttempt("alice", "10.0.0.9", LIMITS, 61 * SECOND).isPresent(), "still, 59 s after");
        assertTrue(admitted("alice", "10.0.0.9", 62 * SECOND), "free again 60 s after the last failure");
        assertTrue(admitted("bob", "10.0.0.0", 3 * SECOND), "another user name is not held back by alice's");
    }

    @Test
    void refusedAttemptsAreNotCountedSoTheLockEndsOnTime() {
        for (int i = 0; i < 3; i++) {
            admitted("alice", "10.0.0.1", 0);
        }
        for (int i = 1; i < 60; i++) {
            assertTrue(failures.tryAttempt("alice", "10.0.0.1", LIMITS, i * SECOND).isPresent(), "second " + i);
        }
        assertTrue(admitted("alice", "10.0.0.1", 60 * SECOND));
    }

    @Test
    void anAddressPastItsFailuresIsRefusedForEveryUserName() {
        for (int i = 0; i < 10; i++) {
            assertTrue(admitted("guess-" + i, "10.0.0.1", 0), "failure " + i);
        }
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", LIMITS, 0).isPresent(), "a name never tried before");
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
        failures.succeeded("alice", "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(admitted("alice", "10.0.0.1", SECOND), "alice starts afresh: " + i);
        }
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", LIMITS, SECOND).isPresent());

        Limits perAddress = new Limits(0, 3, 60 * SECOND);
        for (int i = 0; i < 3; i++) {
            failures.tryAttempt("guess-" + i, "10.0.0.2", perAddress, 0);
        }
        failures.succeeded("bob", "10.0.0.2");
        assertTrue(failures.tryAttempt("carol", "10.0.0.2", perAddress, 0).isEmpty(), "one taken back");
        assertTrue(failures.tryAttempt("carol", "10.0.0.2", perAddress, 0).isPresent(), "and only one");
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
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", LIMITS, 0).isPresent());
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", new Limits(4, 10, 60 * SECOND), 0).isEmpty(), "raised");
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", new Limits(0, 0, 60 * SECOND), 0).isEmpty(), "off");
        assertTrue(failures.tryAttempt("alice", "10.0.0.1", new Limits(3, 10, 0), 0).isEmpty(), "no lock time");
    }

    @Test
    void namesAndAddressesAreForgottenOnceTheirFailuresAreOldAndTheirNumberIsBounded() {
        for (int i = 0; i < 1000; i++) {
            failures.tryAttempt("made-up-" + i, "10.0." + i / 256 + "." + i % 256, LIMITS, 0);
        }
        assertEquals(2000, failures.tracked());
        failures.tryAttempt("alice", "10.1.0.1", LIMITS, 60 * SECOND);
        assertEquals(2, failures.tracked(), "only the newest attempt is left");

        Limits unlimited = new Limits(1, 0, 3600 * SECOND);
        for (int i = 0; i < LocalSignInFailures.MAX_KEYS + 10; i++) {
            failures.tryAttempt("spray-" + i, "10.2.0.1", unlimited, 61 * SECOND + i);
        }
        assertEquals(LocalSignInFailures.MAX_KEYS + 1, failures.tracked(), "at most MAX_KEYS names, and the address");
        assertTrue(failures.tryAttempt("spray-" + (LocalSignInFailures.MAX_KEYS + 9), "10.2.0.1", unlimited,
                62 * SECOND).isPresent(), "the newest are kept");
    }
}
