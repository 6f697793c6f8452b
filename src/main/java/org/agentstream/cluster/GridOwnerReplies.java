package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.agentstream.streaming.OwnerReplies;

/**
 * Each owner's admitted replies over the whole cluster: one entry per owner in the grid, {@code {"member": count}},
 * so a member's places can be told apart and dropped when it leaves the view. Places of members no longer in the
 * view do not count, whether or not they have been dropped yet.
 */
public class GridOwnerReplies implements OwnerReplies {

    static final String PREFIX = "replies:";

    private final Grid grid;
    private final SharedMap owners;

    public GridOwnerReplies(Grid grid) {
        this.grid = grid;
        this.owners = grid.map(SharedMap.Name.OWNERS);
    }

    @Override
    public boolean tryTake(String owner, int limit) {
        boolean[] taken = new boolean[1];
        String me = grid.localMember();
        owners.update(PREFIX + owner, current -> {
            Map<String, Integer> counts = liveCounts(current, grid.members());
            taken[0] = counts.values().stream().mapToInt(Integer::intValue).sum() < limit;
            if (taken[0]) {
                counts.merge(me, 1, Integer::sum);
            }
            return encode(counts);
        }, Duration.ZERO);
        return taken[0];
    }

    @Override
    public void release(String owner) {
        String me = grid.localMember();
        owners.update(PREFIX + owner, current -> {
            Map<String, Integer> counts = liveCounts(current, grid.members());
            counts.computeIfPresent(me, (member, count) -> count > 1 ? count - 1 : null);
            return encode(counts);
        }, Duration.ZERO);
    }

    /** Drops the places of members not in {@code members} (the view changed). */
    void keepOnly(Set<String> members) {
        owners.updateAll(PREFIX, current -> encode(liveCounts(current, members)), Duration.ZERO);
    }

    private static Map<String, Integer> liveCounts(String json, Set<String> members) {
        Map<String, Integer> counts = new TreeMap<>();
        if (json == null) {
            return counts;
        }
        JsonObject object = Json.createReader(new StringReader(json)).readObject();
        object.forEach((member, count) -> {
            if (members.contains(member) && count instanceof JsonNumber number && number.intValue() > 0) {
                counts.put(member, number.intValue());
            }
        });
        return counts;
    }

    private static String encode(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return null;
        }
        JsonObjectBuilder object = Json.createObjectBuilder();
        counts.forEach(object::add);
        return object.build().toString();
    }
}
