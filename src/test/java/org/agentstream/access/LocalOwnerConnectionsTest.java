package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.agentstream.testing.doubles.RecordedSessions;
import org.junit.jupiter.api.Test;

/**
 * An owner's connections on this node: the oldest gives way past the limit, sign-out closes them all, and the end of
 * an HTTP session closes those opened with it.
 */
class LocalOwnerConnectionsTest {

    private final LocalOwnerConnections connections = new LocalOwnerConnections();
    private final RecordedSessions sessions = new RecordedSessions();
    private final List<String> closes = sessions.closes();
    /** The sessions still open on the wire (their close handshake not over). */
    private final Set<String> onTheWire = sessions.onTheWire();

    private Session session(String name) {
        return sessions.session(name);
    }

    private Session session(String name, String httpSession) {
        return sessions.session(name, httpSession);
    }

    @Test
    void aConnectionPastTheOwnersLimitEvictsTheirOldestAndNoOneElses() {
        Session first = session("first");
        assertEquals(Optional.empty(), connections.open("alice", first, 2));
        assertEquals(Optional.empty(), connections.open("alice", session("second"), 2));
        assertEquals(Optional.empty(), connections.open("bob", session("bobs"), 2));

        assertEquals(Optional.of(first), connections.open("alice", session("third"), 2));
        assertEquals(2, connections.count("alice"));
        assertEquals(1, connections.count("bob"));
        assertEquals(List.of(), closes, "the caller closes the evicted one");
    }

    @Test
    void signingOutClosesEveryConnectionOfThatOwnerOnly() {
        connections.open("alice", session("a1"), 16);
        connections.open("alice", session("a2"), 16);
        connections.open("bob", session("b1"), 16);

        assertEquals(2, connections.closeAll("alice", CloseReasons.SIGNED_OUT).size());
        String reason = CloseReasons.SIGNED_OUT.getReasonPhrase();
        assertEquals(List.of("a1: " + reason, "a2: " + reason), closes);
        assertEquals(List.of(), connections.closeAll("carol", CloseReasons.SIGNED_OUT),
                "an owner with none closes none");
    }

    @Test
    void waitingForClosesLastsUntilEachCloseIsOverOnTheWire() throws Exception {
        Session tab = session("tab");
        onTheWire.add("tab");
        connections.open("alice", tab, 16);
        List<Session> closing = connections.closeAll("alice", CloseReasons.SIGNED_OUT);
        connections.closed("alice", tab); // the container's close callback, as its close frame is only queued

        assertFalse(connections.awaitClosed(closing, Duration.ofMillis(20)),
                "its close frame has not gone out yet");
        Thread handshakeOver = new Thread(() -> onTheWire.remove("tab"));
        handshakeOver.start();
        assertTrue(connections.awaitClosed(closing, Duration.ofSeconds(5)));
        handshakeOver.join(5_000);
        assertFalse(handshakeOver.isAlive());
    }

    @Test
    void theEndOfASessionClosesTheConnectionsOpenedWithItAndNoOthers() {
        connections.open("alice", session("a1", "s1"), 16);
        connections.open("alice", session("a2", "s2"), 16);
        connections.open("alice", session("a3", "s1"), 16);
        connections.open("bob", session("b1", "s3"), 16);
        connections.open("anonymous:k", session("anonymous"), 16);

        assertEquals(2, connections.closeSession("s1", CloseReasons.SIGNED_OUT).size());
        String reason = CloseReasons.SIGNED_OUT.getReasonPhrase();
        assertEquals(List.of("a1: " + reason, "a3: " + reason), closes, "alice's other session and bob's go on");
        assertEquals(List.of(), connections.closeSession("s9", CloseReasons.SIGNED_OUT),
                "a session with none closes none");
    }

    @Test
    void aConnectionThatClosedIsNotClosedAgainWhenItsSessionEnds() {
        Session gone = session("gone", "s1");
        connections.open("alice", gone, 16);
        connections.open("alice", session("kept", "s1"), 16);
        connections.closed("alice", gone);

        assertEquals(1, connections.closeSession("s1", CloseReasons.SIGNED_OUT).size());
        assertEquals(List.of("kept: " + CloseReasons.SIGNED_OUT.getReasonPhrase()), closes);
    }

    @Test
    void waitingForClosesEndsWhenTheLastOfThemClosesWhileOtherConnectionsStayOpen() throws Exception {
        Session only = session("only", "s1");
        connections.open("alice", only, 16);
        connections.open("alice", session("elsewhere", "s2"), 16);
        assertFalse(connections.awaitClosed(List.of(only), Duration.ofMillis(1)), "it is still open");

        Thread closing = new Thread(() -> connections.closed("alice", only));
        closing.start();
        assertTrue(connections.awaitClosed(List.of(only), Duration.ofSeconds(5)));
        closing.join(5_000);
        assertFalse(closing.isAlive());
        assertEquals(1, connections.count("alice"), "the other session's connection is still open");
    }
}
