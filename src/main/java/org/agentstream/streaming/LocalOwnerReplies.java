package org.agentstream.streaming;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many admitted replies each owner has on this node, over all of their connections here. */
@ApplicationScoped
@Typed(LocalOwnerReplies.class)
public class LocalOwnerReplies implements OwnerReplies {

    /** Owners with at least one place taken; an owner's entry goes with their last place. */
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    @Override
    public boolean tryTake(String owner, int limit) {
        boolean[] taken = new boolean[1];
        counts.compute(owner, (key, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < limit;
            return taken[0] ? now + 1 : count;
        });
        return taken[0];
    }

    @Override
    public void release(String owner) {
        counts.computeIfPresent(owner, (key, count) -> count > 1 ? count - 1 : null);
    }
}
