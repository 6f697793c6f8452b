package org.agentstream.streaming;

import static org.agentstream.streaming.ReplyPhase.CANCELLING;
import static org.agentstream.streaming.ReplyPhase.DRAINING;
import static org.agentstream.streaming.ReplyPhase.ENDED;
import static org.agentstream.streaming.ReplyPhase.EXPIRING;
import static org.agentstream.streaming.ReplyPhase.NEW;
import static org.agentstream.streaming.ReplyPhase.STREAMING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ReplyPhaseTest {

    @Test
    void theLifeCycleAsTheJavadocDrawsIt() {
        assertEquals(EnumSet.of(STREAMING, EXPIRING, CANCELLING, ENDED), nextOf(NEW));
        assertEquals(EnumSet.of(DRAINING, EXPIRING, CANCELLING, ENDED), nextOf(STREAMING));
        assertEquals(EnumSet.of(EXPIRING, CANCELLING, ENDED), nextOf(DRAINING));
        assertEquals(EnumSet.of(CANCELLING, ENDED), nextOf(EXPIRING));
        assertEquals(EnumSet.of(ENDED), nextOf(CANCELLING));
        assertEquals(EnumSet.noneOf(ReplyPhase.class), nextOf(ENDED));
    }

    @Test
    void aReplyEndsOnceAndNeverMovesBack() {
        IllegalStateException second = assertThrows(IllegalStateException.class, () -> ENDED.to(ENDED));
        assertTrue(second.getMessage().contains("ENDED to ENDED"), second.getMessage());
        assertThrows(IllegalStateException.class, () -> CANCELLING.to(STREAMING));
        assertThrows(IllegalStateException.class, () -> DRAINING.to(STREAMING));
        assertThrows(IllegalStateException.class, () -> STREAMING.to(NEW));
    }

    @Test
    void onlyAnAgentThatWasAskedCanBeDone() {
        assertFalse(NEW.canMoveTo(DRAINING));
        assertThrows(IllegalStateException.class, () -> NEW.to(DRAINING));
        assertEquals(DRAINING, STREAMING.to(DRAINING));
    }

    @Test
    void aCancelWinsOverATimeOutButNotTheOtherWayRound() {
        assertEquals(CANCELLING, EXPIRING.to(CANCELLING));
        assertThrows(IllegalStateException.class, () -> CANCELLING.to(EXPIRING));
    }

    private static EnumSet<ReplyPhase> nextOf(ReplyPhase phase) {
        EnumSet<ReplyPhase> next = EnumSet.noneOf(ReplyPhase.class);
        for (ReplyPhase candidate : ReplyPhase.values()) {
            if (phase.canMoveTo(candidate)) {
                next.add(candidate);
            }
        }
        return next;
    }
}
