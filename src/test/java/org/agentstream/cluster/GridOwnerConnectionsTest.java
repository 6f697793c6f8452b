package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.agentstream.access.CloseReasons;
import org.agentstream.access.LocalOwnerConnections;
import org.agentstream.streaming.LocalReplyDirectory;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.testing.doubles.MemoryGrid;
import org.agentstream.testing.doubles.RecordedSessions;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

/**
 * An owner's connections over the cluster: the limit counts every node's and evicts the oldest wherever it is;
 * signing out and a session's end close them on every node; a member that left no longer counts.
 */
class GridOwnerConnectionsTest {

    private static final String TOO_MANY = CloseReasons.TOO_MANY_CONNECTIONS.getReasonPhrase();
    private static final String SIGNED_OUT = CloseReasons.SIGNED_OUT.getReasonPhrase();

    private final MemoryGrid grid = new MemoryGrid();
    private final RecordedSessions sessions = new RecordedSessions();
    private final GridOwnerConnections node1 = node("node-1");
    private final GridOwnerConnections node2 = node("node-2");

    /** A member and its seam, hearing the others' orders as ClusterSeams has it (at once, on the sender's thread). */
    private GridOwnerConnections node(String id) {
        Grid member = grid.join(id);
        GridOwnerConnections connections =
                new GridOwnerConnections(member, new LocalOwnerConnections(), Runnable::run);
        StreamSettings.Values streaming = new StreamSettings.Values(Duration.ofMillis(10), 100, 16, 100, 8,
                Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
        GridReplyDirectory replies = new GridReplyDirectory(member, new LocalReplyDirectory(new VirtualScheduler()),
                Runnable::run, null, () -> streaming, () -> null);
        member.listen(new ClusterEvents(member, connections, new GridOwnerReplies(member), replies, Runnable::run));
        return connections;
    }

    @Test
    void aConnectionOnAnotherNodeEvictsTheOldestWhereItIsOpen() {
        Session first = sessions.session("first");
        assertEquals(Optional.empty(), node1.open("alice", first, 2));
        assertEquals(Optional.empty(), node2.open("alice", sessions.session("second"), 2));
        assertEquals(Optional.empty(), node2.open("bob", sessions.session("bobs"), 2));

        assertEquals(Optional.empty(), node2.open("alice", sessions.session("third"), 2),
                "the oldest is not on node 2");
        assertEquals(List.of("first: " + TOO_MANY), sessions.closes(), "node 1 closed it when told");

        node1.closed("alice", first);
        Session fourth = sessions.session("fourth");
        assertEquals(Optional.of(sessions.session("second")).map(Session::getId),
                node2.open("alice", fourth, 2).map(Session::getId), "node 2's own oldest goes back to its caller");
    }

    @Test
    void signingOutClosesTheOwnersConnectionsOnEveryNode() {
        Session here = sessions.session("here");
        node1.open("alice", here, 8);
        node2.open("alice", sessions.session("there"), 8);
        node2.open("bob", sessions.session("bobs"), 8);

        List<Session> closedHere = node1.closeAll("alice", CloseReasons.SIGNED_OUT);

        assertEquals(List.of(here), closedHere, "the caller awaits the closes made here");
        assertEquals(List.of("there: " + SIGNED_OUT, "here: " + SIGNED_OUT), sessions.closes());
    }

    @Test
    void aSessionsEndClosesTheConnectionsOpenedWithItOnEveryNode() {
        node1.open("alice", sessions.session("a1", "s1"), 8);
        node2.open("alice", sessions.session("a2", "s1"), 8);
        node2.open("alice", sessions.session("a3", "s2"), 8);

        node2.closeSession("s1", CloseReasons.SIGNED_OUT);

        assertEquals(List.of("a1: " + SIGNED_OUT, "a2: " + SIGNED_OUT), sessions.closes());
    }

    @Test
    void connectionsOfAMemberThatLeftNoLongerCount() {
        node1.open("alice", sessions.session("on-1"), 1);
        grid.leave("node-1");

        assertEquals(Optional.empty(), node2.open("alice", sessions.session("on-2"), 1),
                "node 1's connection is not counted, so none is evicted");
        assertTrue(sessions.closes().isEmpty(), sessions.closes().toString());
    }

    @Test
    void closedConnectionsLeaveNoEntry() {
        Session only = sessions.session("only");
        node1.open("alice", only, 2);
        node1.closed("alice", only);

        assertTrue(grid.entries(SharedMap.Name.OWNERS).isEmpty(), grid.entries(SharedMap.Name.OWNERS).toString());
    }
}
