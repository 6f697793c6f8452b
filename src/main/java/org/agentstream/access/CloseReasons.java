package org.agentstream.access;

import jakarta.websocket.CloseReason;

/** The documented closes (1008, policy violation) of a chat connection for a reason of access, by reason phrase. */
public final class CloseReasons {

    /** Nobody signed in to the connection while sign-in is required. */
    public static final CloseReason SIGN_IN_REQUIRED = policy("sign_in_required");
    /** The owner's oldest connection, when they open one past their most. */
    public static final CloseReason TOO_MANY_CONNECTIONS = policy("too_many_connections");
    /** Every connection of a user who signs out. */
    public static final CloseReason SIGNED_OUT = policy("signed_out");

    private CloseReasons() {
    }

    /** Whether a close reason is the end of the user's session, which stops their replies as a normal close does. */
    public static boolean isSignedOut(CloseReason reason) {
        return reason != null && SIGNED_OUT.getReasonPhrase().equals(reason.getReasonPhrase());
    }

    private static CloseReason policy(String phrase) {
        return new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, phrase);
    }
}
