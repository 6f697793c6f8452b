package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.util.List;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/** {@code /status} of any node lists every member of the cluster with its own figures. */
@ClusterTest
class ClusterStatusIT {

    @Test
    void statusOnEachNodeListsBothMembers(Cluster cluster) throws Exception {
        List<String> names = cluster.nodes().stream().map(ClusterNode::name).sorted().toList();
        for (ClusterNode node : cluster.nodes()) {
            List<JsonObject> members = ServerStatus.clusterMembers(node.base());
            assertEquals(names, members.stream().map(member -> member.getString("node")).sorted().toList(),
                    "/status of " + node + ": " + members);
            for (JsonObject member : members) {
                for (String figure : List.of("activeStreams", "connections")) {
                    assertTrue(member.get(figure) instanceof JsonNumber count && count.intValue() >= 0,
                            figure + " of " + member);
                }
            }
        }
    }
}
