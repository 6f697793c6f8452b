package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.agentstream.streaming.ClusterMembers;

/**
 * The cluster's members that run the application, with their figures: each member {@linkplain #publish publishes}
 * its own to the grid every {@link #PUBLISH_EVERY}, under its member id; a member shows while it is in the engine's
 * view (members of the grid that do not run the application, such as Payara's DAS, publish nothing and do not show).
 * An entry goes by itself a few periods after its member stopped publishing.
 */
public class GridMembers implements ClusterMembers {

    /** How often each member publishes its figures. */
    public static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);
    private static final Duration FORGET_AFTER = PUBLISH_EVERY.multipliedBy(10);

    private final Grid grid;
    private final SharedMap published;
    private final Supplier<Member> here;

    /** {@code here}: this node's figures now. */
    public GridMembers(Grid grid, Supplier<Member> here) {
        this.grid = grid;
        this.published = grid.map(SharedMap.Name.MEMBERS);
        this.here = here;
    }

    /** Writes this node's figures to the grid. */
    public void publish() {
        Member member = here.get();
        String value = Json.createObjectBuilder().add("node", member.node())
                .add("activeStreams", member.activeStreams()).add("connections", member.connections())
                .build().toString();
        String key = grid.localMember();
        published.update(key, current -> value, FORGET_AFTER);
    }

    @Override
    public List<Member> members() {
        Set<String> view = grid.members();
        List<Member> others = new ArrayList<>();
        for (Map.Entry<String, String> entry : published.entries("").entrySet()) {
            if (!entry.getKey().equals(grid.localMember()) && view.contains(entry.getKey())) {
                others.add(decode(entry.getValue()));
            }
        }
        others.sort(Comparator.comparing(Member::node));
        List<Member> all = new ArrayList<>();
        all.add(here.get());
        all.addAll(others);
        return all;
    }

    private static Member decode(String value) {
        try (JsonReader reader = Json.createReader(new StringReader(value))) {
            JsonObject object = reader.readObject();
            return new Member(object.getString("node", "?"), object.getInt("activeStreams", 0),
                    object.getInt("connections", 0));
        }
    }
}
