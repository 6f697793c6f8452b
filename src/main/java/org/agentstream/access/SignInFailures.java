package org.agentstream.access;

import java.util.OptionalLong;

/**
 * Failed sign-ins per user name and per client address, so that passwords cannot be tried as fast as the realm
 * answers: past its limit a user name, or an address, is refused for the lock time after its last failure, before
 * any password is checked. {@link LocalSignInFailures} counts this node's.
 */
public interface SignInFailures {

    /**
     * The limits in force: failures a user name and an address may have (0: no limit of that kind), and how long
     * after its last failure a name or address past its limit stays refused (and until when failures count).
     */
    record Limits(int perUser, int perAddress, long lockNanos) {
    }

    /**
     * Admits one sign-in attempt as {@code user} from {@code address}, or says how many milliseconds until one may be
     * made. An admitted attempt counts as a failure of both at once, so attempts made in parallel cannot overtake
     * the count; {@link #succeeded} takes it back.
     */
    OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos);

    /**
     * The attempt admitted last for {@code user} from {@code address} signed in: the user name's failures are
     * forgotten, and the address's counts one failure less (not none: a client with one account of its own must
     * not clear its address by signing in between guesses).
     */
    void succeeded(String user, String address);
}
