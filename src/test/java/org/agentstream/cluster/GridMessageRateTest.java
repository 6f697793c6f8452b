package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.agentstream.testing.doubles.MemoryGrid;
import org.junit.jupiter.api.Test;

/** An owner's messages draw on one bucket over the whole cluster, timed by the wall clock the nodes share. */
class GridMessageRateTest {

    private final MemoryGrid grid = new MemoryGrid();
    private final AtomicLong wallClockMs = new AtomicLong(1_000_000);
    private final GridMessageRate node1 = new GridMessageRate(grid.join("node-1"), wallClockMs::get);
    private final GridMessageRate node2 = new GridMessageRate(grid.join("node-2"), wallClockMs::get);

    @Test
    void messagesOnBothNodesShareTheOwnersMinute() {
        for (int i = 0; i < 3; i++) {
            assertTrue(node1.tryTake("alice", 6, 0).isEmpty(), "message " + i + " on node 1");
            assertTrue(node2.tryTake("alice", 6, 0).isEmpty(), "message " + i + " on node 2");
        }
        OptionalLong wait = node2.tryTake("alice", 6, 0);
        assertEquals(OptionalLong.of(10_001), wait, "the seventh, wherever it is sent, waits for a token");
        assertTrue(node1.tryTake("bob", 6, 0).isEmpty(), "bob has a bucket of his own");

        wallClockMs.addAndGet(10_000);
        assertTrue(node1.tryTake("alice", 6, 0).isEmpty(), "one token 10 s on");
        assertTrue(node2.tryTake("alice", 6, 0).isPresent(), "and only one");
    }

    @Test
    void aZeroLimitLetsEverythingPassWithoutTouchingTheGrid() {
        assertTrue(node1.tryTake("alice", 0, 0).isEmpty());
        assertTrue(grid.entries(SharedMap.Name.OWNERS).isEmpty());
    }
}
