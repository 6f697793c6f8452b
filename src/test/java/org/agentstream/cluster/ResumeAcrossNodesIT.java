package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.opened;
import static org.agentstream.testing.clients.Conversations.storedReply;
import static org.agentstream.testing.clients.CutReply.codes;
import static org.agentstream.testing.clients.CutReply.seqs;
import static org.agentstream.testing.clients.CutReply.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.CutReply;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.SharedCluster;
import org.junit.jupiter.api.Test;

/**
 * A reply outlives its connection's node: a client whose connection to one node is cut (by a relay, a reset with no
 * close frame, as a network does it) resumes the reply on the other node with a new connection, and gets the rest of
 * it there, each chunk once; only its owner does.
 */
@ClusterTest
class ResumeAcrossNodesIT {

    private static final Logger LOG = Logger.getLogger(ResumeAcrossNodesIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a reply that ended may take to be listed in its conversation's history. */
    private static final Duration STORED_WITHIN = Duration.ofSeconds(30);
    private static final int CHUNKS_BEFORE_CUT = 10;
    /**
     * Live chunks at the least for the real-time verdict: a simulated-model reply has
     * {@link SharedCluster#SIMULATED_MODEL_WORDS}, of which the cut and the reconnect take a few dozen at most.
     */
    private static final int MIN_LIVE_CHUNKS = 50;

    @Test
    void aReplyCutOnOneNodeIsResumedOnTheOtherWithEverySeqOnceItsLivePartOnTimeAndStoredWholeOnce(Cluster cluster)
            throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.CAROL, BuildUsers.passwordOf(BuildUsers.CAROL));
        ClusterNode running = cluster.nodes().get(0);
        ClusterNode resuming = cluster.other(running);
        CutReply cut = CutReply.askAndCut(running.base(), session, "simulated-model", "tell me about resuming",
                CHUNKS_BEFORE_CUT, WAIT);

        long reconnecting = System.nanoTime();
        try (ChatClient again = opened(resuming.base(), session)) {
            CutReply.Resumed resumed = cut.resumeOn(again, WAIT);
            assertEquals(List.of(), codes(resumed.errors()), resuming + " resumes the reply running on " + running
                    + ": " + resumed.errors());
            List<Frame> all = cut.with(resumed);
            int total = resumed.end().json().getInt("chunks");
            assertEquals("complete", resumed.status(), resumed.end().json().toString());
            assertEquals(IntStream.range(0, total).boxed().toList(), seqs(all), "every seq once, in order");

            List<Frame> replayedPart = resumed.chunks().stream().takeWhile(CutReply::replayed).toList();
            List<Frame> livePart = resumed.chunks().subList(replayedPart.size(), resumed.chunks().size());
            assertTrue(livePart.stream().noneMatch(CutReply::replayed), "replayed chunks come first");
            assertTrue(livePart.size() >= MIN_LIVE_CHUNKS, "the reply went on live on " + resuming + " after the "
                    + "resume: " + livePart.size() + " live chunks of " + total);
            GapAnalysis live = GapAnalysis.of(
                    livePart.stream().map(chunk -> chunk.json().getJsonNumber("sentAt").doubleValue()).toList(),
                    livePart.stream().map(Frame::receivedNanos).toList());
            Frame first = resumed.chunks().get(0);
            LOG.log(Level.INFO, () -> String.format(Locale.ROOT, "Resumed on %s a reply of %s, %d chunks: cut after "
                    + "%d, %d replayed, %d live; reconnect to the first %s chunk %.1f ms; live part: %s",
                    resuming.name(), running.name(), total, cut.chunks().size(), replayedPart.size(),
                    livePart.size(), CutReply.replayed(first) ? "replayed" : "live",
                    (first.receivedNanos() - reconnecting) / 1e6, live.summary()));
            assertTrue(live.isRealTime(), "the live part arrived as it was sent: " + live.summary());
            double sendGap = GapAnalysis.percentile(live.sendGapsMs(), 50);
            assertTrue(sendGap >= SharedCluster.SIMULATED_MODEL_GAP_MS / 2.0, resuming + " sent the live part at the "
                    + "model's pace (" + SharedCluster.SIMULATED_MODEL_GAP_MS + " ms), not in bursts: " + live.summary()
                    + ", median gap between sends " + sendGap + " ms");

            JsonObject stored = storedReply(again, cut.conversationId(), cut.messageId(), STORED_WITHIN);
            assertEquals(text(all), stored.getString("content"), "the history on " + resuming + " has the whole reply");
            assertEquals("complete", stored.getString("status"));
            assertEquals(total, stored.getInt("chunks"));
        }
    }

    @Test
    void anotherUsersResumeOnTheOtherNodeGetsUnknownMessageAndNoChunkWhileTheOwnersGetsTheReply(Cluster cluster)
            throws Exception {
        String owner = SignIn.signIn(cluster.base(), BuildUsers.DAN, BuildUsers.passwordOf(BuildUsers.DAN));
        String someoneElse = SignIn.signIn(cluster.base(), BuildUsers.ERIN, BuildUsers.passwordOf(BuildUsers.ERIN));
        ClusterNode running = cluster.nodes().get(0);
        ClusterNode resuming = cluster.other(running);
        CutReply cut = CutReply.askAndCut(running.base(), owner, "simulated-model", "tell me about owners",
                CHUNKS_BEFORE_CUT, WAIT);

        try (ChatClient intruder = opened(resuming.base(), someoneElse);
                ChatClient back = opened(resuming.base(), owner)) {
            CutReply.Resumed refused = cut.resumeOn(intruder, WAIT);
            assertEquals(List.of("unknown_message"), codes(refused.errors()), "another user's resume on " + resuming
                    + " is refused as an unknown reply's is: " + refused.errors());
            assertTrue(refused.chunks().isEmpty() && refused.end() == null, "and gets nothing of the reply: "
                    + refused);

            // the owner's resume there is taken: the refusal above is the owner check's, not a node that knows nothing
            CutReply.Resumed taken = cut.resumeOn(back, WAIT);
            assertEquals(List.of(), codes(taken.errors()), resuming + " resumes the reply for its owner: "
                    + taken.errors());
            assertFalse(taken.chunks().isEmpty(), "the owner gets the rest of the reply");
            assertNull(intruder.poll(Duration.ZERO), "the other user got nothing of it meanwhile");
        }
    }
}
