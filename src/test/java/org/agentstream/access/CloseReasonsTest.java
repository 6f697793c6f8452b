package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import org.junit.jupiter.api.Test;

/** Which closes end the user's session, and so stop the connection's replies as a normal close does. */
class CloseReasonsTest {

    @Test
    void signingOutAndTheContainersOwnCloseAtTheEndOfASessionEndIt() {
        assertTrue(CloseReasons.isSignedOut(CloseReasons.SIGNED_OUT));
        assertTrue(CloseReasons.isSignedOut(new CloseReason(CloseCodes.VIOLATED_POLICY, "")), "WildFly's own");
        assertTrue(CloseReasons.isSignedOut(new CloseReason(CloseCodes.VIOLATED_POLICY, "No reason given.")),
                "Tyrus's own");
    }

    @Test
    void anEvictedConnectionAndOtherClosesDoNot() {
        assertFalse(CloseReasons.isSignedOut(CloseReasons.TOO_MANY_CONNECTIONS), "its replies wait for a resume");
        assertFalse(CloseReasons.isSignedOut(new CloseReason(CloseCodes.NORMAL_CLOSURE, "signed_out")));
        assertFalse(CloseReasons.isSignedOut(new CloseReason(CloseCodes.CLOSED_ABNORMALLY, null)));
        assertFalse(CloseReasons.isSignedOut(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "")));
        assertFalse(CloseReasons.isSignedOut(null));
    }
}
