package org.agentstream.access;

import jakarta.websocket.CloseReason;
import java.util.Optional;
import java.util.stream.Stream;

/** The documented closes (1008, policy violation) of a chat connection for a reason of access, by reason phrase. */
public final class CloseReasons {

    /** Nobody signed in to the connection while sign-in is required. */
    public static final CloseReason SIGN_IN_REQUIRED = policy("sign_in_required");
    /** The owner's oldest connection, when they open one past their most. */
    public static final CloseReason TOO_MANY_CONNECTIONS = policy("too_many_connections");
    /** Every connection of a user who signs out, and every connection opened with an HTTP session that ends. */
    public static final CloseReason SIGNED_OUT = policy("signed_out");

    private CloseReasons() {
    }

    /**
     * Whether a close is the end of the user's session, which stops their replies as a normal close does: any 1008
     * but {@code too_many_connections} (whose connection keeps its replies for a resume). Besides ours, that is the
     * container's own close when the HTTP session ends, which may come before ours on WildFly (no reason phrase).
     */
    public static boolean isSignedOut(CloseReason reason) {
        return reason != null && reason.getCloseCode().getCode() == CloseReason.CloseCodes.VIOLATED_POLICY.getCode()
                && !TOO_MANY_CONNECTIONS.getReasonPhrase().equals(reason.getReasonPhrase());
    }

    /** The documented close with that reason phrase; empty for any other phrase. */
    public static Optional<CloseReason> byPhrase(String phrase) {
        return Stream.of(SIGN_IN_REQUIRED, TOO_MANY_CONNECTIONS, SIGNED_OUT)
                .filter(reason -> reason.getReasonPhrase().equals(phrase)).findFirst();
    }

    private static CloseReason policy(String phrase) {
        return new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, phrase);
    }
}
