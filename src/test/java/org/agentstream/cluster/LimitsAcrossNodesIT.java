package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.opened;
import static org.agentstream.testing.clients.Conversations.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.SharedCluster;
import org.junit.jupiter.api.Test;

/**
 * A user's limits hold over the whole cluster: they sign in through the balancer, which keeps them on one node, and
 * their connections opened directly on the other node count against the same connections, replies and message rate
 * (the cluster starts with low limits, {@link SharedCluster}). Each test is a user of its own, so that no other
 * test's messages count against the rate.
 */
@ClusterTest
class LimitsAcrossNodesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Echo sends a word every 10 ms: a reply of 3000 words streams for 30 s, past every step of the test. */
    private static final int LONG_REPLY_WORDS = 3000;

    @Test
    void connectionsOnTheOtherNodePastTheLimitCloseTheUsersOldestOnTheFirst(Cluster cluster) throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        ClusterNode other = cluster.other(cluster.nodeOf(session));
        List<ChatClient> newer = new ArrayList<>();
        try (ChatClient oldest = opened(cluster.base(), session)) {
            for (int i = 0; i < SharedCluster.MAX_CONNECTIONS_PER_USER; i++) {
                newer.add(opened(other.base(), session));
            }
            CloseReason closed = oldest.awaitClose(WAIT);
            assertNotNull(closed, "the connection through the balancer is closed when the user opens "
                    + SharedCluster.MAX_CONNECTIONS_PER_USER + " more on " + other);
            assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
            assertEquals("too_many_connections", closed.getReasonPhrase());
            for (ChatClient connection : newer) {
                assertNull(connection.awaitClose(Duration.ZERO), "the newer ones stay open");
            }
        } finally {
            for (ChatClient connection : newer) {
                connection.close();
            }
        }
    }

    @Test
    void repliesStreamingOnOneNodeCountAgainstTheUsersRepliesOnTheOtherUntilTheyEnd(Cluster cluster) throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.BOB, BuildUsers.passwordOf(BuildUsers.BOB));
        ClusterNode other = cluster.other(cluster.nodeOf(session));
        try (ChatClient here = opened(cluster.base(), session); ChatClient there = opened(other.base(), session)) {
            ChatClient.Replies onHere = new ChatClient.Replies();
            ChatClient.Replies onThere = new ChatClient.Replies();
            here.send(message("long-0", "echo", words(LONG_REPLY_WORDS), null));
            here.readUntil(onHere, read -> read.started("long-0"), WAIT);
            for (int i = 1; i < SharedCluster.MAX_STREAMS_PER_USER; i++) {
                String id = "long-" + i;
                there.send(message(id, "echo", words(LONG_REPLY_WORDS), null));
                there.readUntil(onThere, read -> read.started(id), WAIT);
            }

            there.send(message("one-too-many", "echo", "one too many", null));
            there.readUntil(onThere, read -> !read.errors("one-too-many").isEmpty() || read.ended("one-too-many"),
                    WAIT);
            assertTrue(onThere.errors("one-too-many").size() == 1 && !onThere.started("one-too-many"),
                    "the user's replies on both nodes are at their most, so nothing starts: "
                            + onThere.errors("one-too-many") + ", started " + onThere.started("one-too-many"));
            Frame busy = onThere.errors("one-too-many").get(0);
            assertEquals("busy", busy.text("code"), busy.json().toString());

            // cancelled, not complete: each long reply was still streaming when the busy came
            here.cancel(onHere.start("long-0").text("messageId"));
            here.readUntil(onHere, read -> read.ended("long-0"), WAIT);
            assertEquals("cancelled", onHere.reply("long-0").status());
            for (int i = 1; i < SharedCluster.MAX_STREAMS_PER_USER; i++) {
                String id = "long-" + i;
                there.cancel(onThere.start(id).text("messageId"));
                there.readUntil(onThere, read -> read.ended(id), WAIT);
                assertEquals("cancelled", onThere.reply(id).status());
            }

            // and once they ended, their places are free again on either node
            there.send(message("after-they-ended", "echo", "places free again", null));
            there.readUntil(onThere, read -> read.ended("after-they-ended")
                    || !read.errors("after-they-ended").isEmpty(), WAIT);
            assertEquals(List.of(), onThere.errors("after-they-ended"), "the ended replies hold no place");
            assertEquals("complete", onThere.reply("after-they-ended").status());
        }
    }

    @Test
    void messagesOnBothNodesCountAgainstOneRate(Cluster cluster) throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.THROTTLED,
                BuildUsers.passwordOf(BuildUsers.THROTTLED));
        ClusterNode other = cluster.other(cluster.nodeOf(session));
        try (ChatClient here = opened(cluster.base(), session); ChatClient there = opened(other.base(), session)) {
            // the minute's messages, by turns on each node: the balancer's node gets more of them, or as many
            for (int i = 0; i < SharedCluster.MAX_MESSAGES_PER_MINUTE; i++) {
                ChatClient client = i % 2 == 0 ? here : there;
                String id = "m" + i;
                client.send(message(id, "echo", "message " + i, null));
                ChatClient.Replies replies = new ChatClient.Replies();
                client.readUntil(replies, read -> read.ended(id) || !read.errors(id).isEmpty(), WAIT);
                assertEquals(List.of(), replies.errors(id), id + " is one of the minute's messages");
                assertEquals("complete", replies.reply(id).status());
            }
            there.send(message("past-the-rate", "echo", "one more this minute", null));
            Frame limited = there.next("error", WAIT);
            assertEquals("rate_limited", limited.text("code"), limited.json().toString());
            assertEquals("past-the-rate", limited.text("replyTo"));
        }
    }
}
