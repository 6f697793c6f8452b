package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.agentstream.testing.doubles.MemoryGrid;
import org.junit.jupiter.api.Test;

/** An owner's replies count once over the whole cluster, and a member that leaves takes its places with it. */
class GridOwnerRepliesTest {

    private final MemoryGrid grid = new MemoryGrid();
    private final GridOwnerReplies node1 = new GridOwnerReplies(grid.join("node-1"));
    private final GridOwnerReplies node2 = new GridOwnerReplies(grid.join("node-2"));

    @Test
    void placesTakenOnEitherNodeCountAgainstOneLimit() {
        assertTrue(node1.tryTake("alice", 2));
        assertTrue(node2.tryTake("alice", 2));
        assertFalse(node1.tryTake("alice", 2), "the third on node 1");
        assertFalse(node2.tryTake("alice", 2), "the third on node 2");
        assertTrue(node2.tryTake("bob", 2), "another owner has places of their own");

        node2.release("alice");
        assertTrue(node1.tryTake("alice", 2), "a place given back on node 2 is free on node 1");
        assertEquals("{\"node-1\":2}", grid.entries(SharedMap.Name.OWNERS).get("replies:alice"));
    }

    @Test
    void theLastPlaceGivenBackLeavesNoEntry() {
        assertTrue(node1.tryTake("alice", 1));
        node1.release("alice");
        node1.release("alice");

        assertEquals(Map.of("replies:bob", "{\"node-2\":1}"), withBob());
    }

    private Map<String, String> withBob() {
        node2.tryTake("bob", 1);
        return grid.entries(SharedMap.Name.OWNERS);
    }

    @Test
    void aMemberThatLeftNoLongerCounts() {
        assertTrue(node1.tryTake("alice", 1));
        grid.leave("node-1");

        assertTrue(node2.tryTake("alice", 1), "node 1's place went with it");
        assertEquals("{\"node-2\":1}", grid.entries(SharedMap.Name.OWNERS).get("replies:alice"));
    }

    @Test
    void keepingOnlyTheViewDropsTheGoneMembersPlaces() {
        node1.tryTake("alice", 4);
        node2.tryTake("alice", 4);
        node1.tryTake("bob", 4);

        node2.keepOnly(Set.of("node-2"));

        assertEquals(Map.of("replies:alice", "{\"node-2\":1}"), grid.entries(SharedMap.Name.OWNERS));
    }
}
