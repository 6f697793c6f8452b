package org.agentstream.streaming;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many admitted replies each owner has, over all of their connections, under a limit per owner. */
final class OwnerReplies {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** Takes a place for the owner if they have fewer than {@code limit}. */
    boolean tryTake(String owner, int limit) {
        boolean[] taken = new boolean[1];
        counts.compute(owner, (key, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < limit;
            return taken[0] ? now + 1 : count;
        });
        return taken[0];
    }

    void release(String owner) {
        counts.computeIfPresent(owner, (key, count) -> count > 1 ? count - 1 : null);
    }

    int count(String owner) {
        return counts.getOrDefault(owner, 0);
    }
}
