package org.agentstream.cluster;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agentstream.access.SignInFailures.Limits;
import org.agentstream.testing.contracts.SignInFailuresContract;
import org.agentstream.testing.doubles.MemoryGrid;

/**
 * Failed sign-ins over the cluster keep the contract with every attempt made on the other node than the one before,
 * so none of it holds on one node only.
 */
class GridSignInFailuresTest extends SignInFailuresContract {

    private final MemoryGrid grid = new MemoryGrid();
    private final AtomicLong wallClockMs = new AtomicLong();
    private final GridSignInFailures[] nodes = {new GridSignInFailures(grid.join("node-1"), wallClockMs::get),
        new GridSignInFailures(grid.join("node-2"), wallClockMs::get)};
    private int calls;

    private GridSignInFailures next() {
        return nodes[calls++ % nodes.length];
    }

    @Override
    protected OptionalLong tryAttempt(String user, String address, Limits limits, long nowNanos) {
        wallClockMs.set(TimeUnit.NANOSECONDS.toMillis(nowNanos));
        return next().tryAttempt(user, address, limits, -1);
    }

    @Override
    protected void succeeded(String user, String address) {
        next().succeeded(user, address);
    }
}
