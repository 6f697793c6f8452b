package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.agentstream.access.SignInFailures.Limits;
import org.agentstream.testing.contracts.SignInFailuresContract;
import org.junit.jupiter.api.Test;

/** This node's failed sign-ins: the contract, and memory bounded whatever names and addresses a client makes up. */
class SignInFailuresTest extends SignInFailuresContract {

    private static final Limits LIMITS = new Limits(3, 10, 60 * SECOND);
    private final LocalSignInFailures failures = new LocalSignInFailures();

    @Override
    protected OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos) {
        return failures.tryAttempt(user, address, limits, nowNanos);
    }

    @Override
    protected void succeeded(String user, String address) {
        failures.succeeded(user, address);
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
