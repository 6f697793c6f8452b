package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.agentstream.streaming.ClusterMembers.Member;
import org.agentstream.testing.doubles.MemoryGrid;
import org.junit.jupiter.api.Test;

/**
 * The members /status lists: this node with its figures now, then each other member running the application with
 * the figures it last published, while it is in the view.
 */
class GridMembersTest {

    private final MemoryGrid grid = new MemoryGrid();
    private final GridMembers node1 = new GridMembers(grid.join("id-1"), () -> new Member("node-1", 3, 7));
    private final GridMembers node2 = new GridMembers(grid.join("id-2"), () -> new Member("node-2", 1, 2));

    {
        grid.join("payara-das"); // a member of the grid that does not run the application publishes nothing
    }

    @Test
    void eachNodeListsItselfFirstThenTheOthersAsTheyPublished() {
        node1.publish();
        node2.publish();

        assertEquals(List.of(new Member("node-1", 3, 7), new Member("node-2", 1, 2)), node1.members());
        assertEquals(List.of(new Member("node-2", 1, 2), new Member("node-1", 3, 7)), node2.members());
    }

    @Test
    void aNodeThatHasNotPublishedYetIsNotListedByTheOthers() {
        node1.publish();

        assertEquals(List.of(new Member("node-2", 1, 2), new Member("node-1", 3, 7)), node2.members());
        assertEquals(List.of(new Member("node-1", 3, 7)), node1.members());
    }

    @Test
    void aMemberThatLeftTheViewIsNoLongerListed() {
        node1.publish();
        node2.publish();
        grid.leave("id-2");

        assertEquals(List.of(new Member("node-1", 3, 7)), node1.members());
    }
}
