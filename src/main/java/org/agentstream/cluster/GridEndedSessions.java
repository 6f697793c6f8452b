package org.agentstream.cluster;

import java.time.Duration;
import org.agentstream.access.EndedSessions;

/**
 * Ended HTTP sessions in the grid, one entry per session id, kept for a day (longer than any session lives after its
 * last request), so that every node refuses a session that ended on another while its own copy lingers.
 */
public class GridEndedSessions implements EndedSessions {

    static final String PREFIX = "ended-session:";
    private static final Duration KEPT = Duration.ofDays(1);

    private final SharedMap owners;

    public GridEndedSessions(Grid grid) {
        this.owners = grid.map(SharedMap.Name.OWNERS);
    }

    @Override
    public void ended(String httpSessionId) {
        owners.update(PREFIX + httpSessionId, current -> "ended", KEPT);
    }

    @Override
    public boolean hasEnded(String httpSessionId) {
        return owners.get(PREFIX + httpSessionId) != null;
    }
}
