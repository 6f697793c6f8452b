package org.agentstream.streaming;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.List;

/**
 * The nodes that run the application together, as {@code /status} shows them to an operator: on one node only that
 * node; in a cluster each member, with its figures as it last published them.
 */
public interface ClusterMembers {

    /** A node and its figures: replies streaming and chat connections open on it. */
    record Member(String node, int activeStreams, int connections) {
    }

    /** The members, this node first. */
    List<Member> members();

    /** The members as {@code /status} and the dashboard's figures give them: node, activeStreams, connections. */
    default JsonArrayBuilder membersAsJson() {
        JsonArrayBuilder members = Json.createArrayBuilder();
        for (Member member : members()) {
            members.add(Json.createObjectBuilder().add("node", member.node())
                    .add("activeStreams", member.activeStreams()).add("connections", member.connections()));
        }
        return members;
    }
}
