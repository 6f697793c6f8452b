package org.agentstream.cluster.hazelcast;

import java.util.Optional;
import org.agentstream.cluster.Grid;

/** TEMPORARY local stub. */
public final class HazelcastGrid {

    private HazelcastGrid() {
    }

    public static Optional<Grid> find() {
        return Optional.empty();
    }
}
