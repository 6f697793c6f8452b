package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agentstream.testing.doubles.MemoryGrid;
import org.junit.jupiter.api.Test;

/** A session that ended on one node has ended on every node, whatever copy of it another node still holds. */
class GridEndedSessionsTest {

    private final MemoryGrid grid = new MemoryGrid();
    private final GridEndedSessions node1 = new GridEndedSessions(grid.join("node-1"));
    private final GridEndedSessions node2 = new GridEndedSessions(grid.join("node-2"));

    @Test
    void aSessionEndedOnOneNodeHasEndedOnTheOther() {
        node1.ended("s1");

        assertTrue(node2.hasEnded("s1"));
        assertTrue(node1.hasEnded("s1"));
        assertFalse(node2.hasEnded("s2"), "a session that did not end");
    }
}
