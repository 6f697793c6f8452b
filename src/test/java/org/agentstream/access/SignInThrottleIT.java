package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.clients.SignIn.Attempt;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle on the server, as a script guessing passwords meets it: past its failures a user name, and an
 * address, gets 429 with {@code Retry-After} and the same page whatever the password, the refused tries never reach
 * the realm, and the lock lifts when the admin raises the limit. Every test here signs in from 127.0.0.1 like all
 * the other ITs: each limit it lowers is put back afterwards, which releases the address (this deployment's counts
 * go with it, and the next test class has a deployment of its own), and the one user name it locks out is
 * {@code it-throttled}, which no other test uses.
 */
class SignInThrottleIT extends DeployedApp {

    private static final String PER_USER = "agentstream.sign-in.max-failures-per-user";
    private static final String PER_ADDRESS = "agentstream.sign-in.max-failures-per-address";
    /** {@code agentstream.sign-in.lock-seconds} as server-config sets it. */
    private static final long LOCK_SECONDS = 300;

    private final List<String> changed = new ArrayList<>();

    /** Each admin waits until the application reads a changed setting (Payara's within a second). */
    @AfterEach
    void restoreSettings() throws IOException {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            for (String name : changed) {
                admin.removeSetting(name);
            }
        }
    }

    private void set(String name, String value) throws IOException {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(name, value);
        }
        changed.add(name);
    }

    @Test
    void aUserNamePastItsFailuresIsRefusedWhateverThePasswordAndItsRefusedTriesNeverReachTheRealm() throws Exception {
        set(PER_USER, "3");
        String user = BuildUsers.THROTTLED;
        String password = BuildUsers.passwordOf(user);
        for (int i = 0; i < 3; i++) {
            Attempt failed = SignIn.attempt(base, user, password + "-wrong-" + i);
            assertEquals(200, failed.status(), "failure " + i + ": " + failed.page());
            assertTrue(failed.page().contains("id=\"sign-in-failed\""), failed.page());
            assertNull(failed.user());
        }

        Attempt right = SignIn.attempt(base, user, password);
        assertLocked(right, "the right password, past the limit");
        Attempt wrong = SignIn.attempt(base, user, password + "-wrong");
        assertLocked(wrong, "a wrong one");
        assertEquals(right.page(), wrong.page(), "the answer does not tell whether the password was right");
        // twelve more: WildFly's realm locks a name by itself after 10 failures (configure.cli), so had these reached
        // it, the right password would fail below even once this application lets the name try again
        for (int i = 0; i < 12; i++) {
            assertLocked(SignIn.attempt(base, user, password + "-guess-" + i), "guess " + i);
        }
        assertEquals(BuildUsers.ALICE, SignIn.attempt(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE))
                .user(), "another user name from the same address signs in");

        set(PER_USER, "100");
        Attempt released = SignIn.attempt(base, user, password);
        assertEquals(302, released.status(), released.page());
        assertEquals(user, released.user(), "a raised limit lets the name in at once, and the realm has not locked it");
    }

    @Test
    void anAddressPastItsFailuresIsRefusedForEveryUserNameWhateverItClaimsToForwardFor() throws Exception {
        set(PER_ADDRESS, "4");
        // earlier tests of this deployment may have left some of this address's failures: at most 4 more lock it
        Attempt attempt = null;
        int failures = 0;
        while (failures <= 4) {
            attempt = SignIn.attempt(base, "it-throttle-made-up-" + failures, "whatever");
            if (attempt.status() == 429) {
                break;
            }
            assertEquals(200, attempt.status(), attempt.page());
            failures++;
        }
        assertLocked(attempt, "after " + failures + " failures of made-up user names");
        assertTrue(failures >= 1, "the address was locked before this test failed at all");

        for (String user : List.of(BuildUsers.ALICE, BuildUsers.BOB)) {
            assertLocked(SignIn.attempt(base, user, BuildUsers.passwordOf(user)), user + ", the right password");
        }
        assertLocked(SignIn.attempt(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE),
                "X-Forwarded-For", "203.0.113.7"), "a forwarded-for address the admin did not make the server trust");

        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.removeSetting(PER_ADDRESS);
        }
        assertEquals(BuildUsers.ALICE, SignIn.attempt(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE))
                .user(), "the default limit (30) lets the address in again");
    }

    private static void assertLocked(Attempt attempt, String what) {
        assertEquals(429, attempt.status(), what + ": " + attempt.page());
        long retryAfter = Long.parseLong(attempt.retryAfter().orElseThrow(() -> new AssertionError(what
                + ": no Retry-After")));
        assertTrue(retryAfter >= 1 && retryAfter <= LOCK_SECONDS, what + ": Retry-After " + retryAfter);
        assertTrue(attempt.page().contains("id=\"sign-in-locked\""), what + ": " + attempt.page());
        assertNull(attempt.user(), what + " signs nobody in");
    }
}
