package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.RawWebSocket;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.junit.jupiter.api.Test;

/** Signing out on one node of the cluster signs the user out on every node. */
@ClusterTest
class SignOutAcrossNodesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void signingOutOnOneNodeClosesTheUsersConnectionOnTheOtherAndTheSessionOpensNothingMore(Cluster cluster)
            throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.DEMO, BuildUsers.passwordOf(BuildUsers.DEMO));
        ClusterNode signedInOn = cluster.nodeOf(session);
        ClusterNode other = cluster.other(signedInOn);
        try (ChatClient there = opened(other.base(), session); ChatClient here = opened(cluster.base(), session)) {
            assertEquals(302, SignIn.signOut(cluster.base(), session), "signed out through the balancer, on "
                    + signedInOn);

            for (Map.Entry<String, ChatClient> connection : Map.of("on " + other, there,
                    "through the balancer, on " + signedInOn, here).entrySet()) {
                CloseReason closed = connection.getValue().awaitClose(WAIT);
                assertNotNull(closed, "the connection " + connection.getKey() + " is closed within " + WAIT);
                assertEquals(1008, closed.getCloseCode().getCode(), connection.getKey() + ": " + closed);
                assertEquals("signed_out", closed.getReasonPhrase(), connection.getKey());
            }
        }
        List<URL> everywhere = new ArrayList<>(List.of(cluster.base()));
        cluster.nodes().forEach(node -> everywhere.add(node.base()));
        for (URL base : everywhere) {
            IOException refused = assertThrows(IOException.class, () -> RawWebSocket.open(base, session).close(),
                    "the signed-out session opens no connection at " + base);
            assertTrue(refused.getMessage().contains(" 401"), base + ": " + refused.getMessage());
        }
    }
}
