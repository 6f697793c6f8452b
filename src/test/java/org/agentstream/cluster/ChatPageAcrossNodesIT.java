package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatPage;
import org.agentstream.testing.clients.ConnectionRelay;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/**
 * The chat page needs no change for a reply that outlives its connection's node: its client resumes by the last seq it
 * has, whichever node its new connection reaches. (A page whose node dies mid-reply: {@link FailoverIT}.)
 */
@ClusterTest
class ChatPageAcrossNodesIT {

    private static final Logger LOG = Logger.getLogger(ChatPageAcrossNodesIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** 4 s at echo's 10 ms pause: the cut lands while the reply streams, and most of it is left for the other node. */
    private static final int WORDS = 400;

    /**
     * The page's connection to one node is cut (by a relay, a reset with no close frame) mid-reply while the node runs
     * on, and the page's new connection reaches the other node: the relay stands in for a balancer that moves the
     * client, or a network that changed (WildFly's balancer itself keeps a session on its node while the node lives,
     * as the node's answers set the session cookie's route back to it). The page resumes the reply there and shows it
     * whole and complete, no word twice.
     */
    @Test
    void aPageWhoseConnectionIsCutAndComesBackOnTheOtherNodeShowsTheWholeReplyWithNoWordTwice(Cluster cluster)
            throws Exception {
        String content = Conversations.words(WORDS);
        ClusterNode first = cluster.nodes().get(0);
        ClusterNode other = cluster.other(first);
        try (HeadlessChromium browser = HeadlessChromium.start();
                ConnectionRelay relay = ConnectionRelay.to(first.base())) {
            ChatPage page = new ChatPage(browser.driver(), WAIT);
            String relayed = relay.relayed(first.base());
            page.signIn(relayed, BuildUsers.ERIN);
            page.open(relayed, "echo");
            long resumedBefore = ServerStatus.read(other.base()).getJsonNumber("resumed").longValue();
            page.watchReconnects();
            int acceptedBefore = relay.accepted();

            page.paste("echo", content);
            page.awaitStreamedText(200);
            relay.retarget(other.base());
            assertTrue(relay.dropConnections() >= 1, "the page's connection went through the relay");
            String status = page.awaitLastReplyEnded();
            String shown = page.text(page.lastAgentMessage());
            Map<String, Object> record = page.lastReplyRecord();
            Map<String, List<Object>> reconnects = page.reconnects();
            LOG.log(Level.INFO, "The page cut on {0} came back on {1}: {2}; {3} chunks replayed; screenshot {4}",
                    new Object[] {first.name(), other.name(), reconnects, record.get("replayedChunks"),
                        browser.screenshot("cluster-resumed-on-the-other-node.png")});

            assertEquals(List.of(), record.get("errors"), "the page's resume on " + other + " is taken");
            assertEquals("complete", status, "the reply went on after the cut and completed");
            List<String> shownWords = List.of(shown.split(" "));
            assertEquals(IntStream.range(0, WORDS).mapToObj(i -> "word" + i).toList(), shownWords,
                    "every word once, in order");
            assertEquals(content, shown);
            assertEquals(shown, record.get("text"), "the client's reply holds what the page shows");
            List<?> chunks = (List<?>) record.get("chunks");
            assertEquals(IntStream.range(0, chunks.size()).boxed().toList(), chunks.stream()
                    .map(chunk -> ((Number) ((List<?>) chunk).get(2)).intValue()).toList(), "each seq once, in order");
            assertEquals(1, reconnects.get("resumes").size(), "the page resumed the reply once: " + reconnects);
            assertTrue(relay.accepted() > acceptedBefore, "the browser opened a new connection");
            assertTrue(ServerStatus.read(other.base()).getJsonNumber("resumed").longValue() > resumedBefore,
                    "the resume came to " + other);
        }
    }
}
