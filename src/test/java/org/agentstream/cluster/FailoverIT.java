package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.opened;
import static org.agentstream.testing.clients.Conversations.storedReply;
import static org.agentstream.testing.clients.Conversations.words;
import static org.agentstream.testing.clients.CutReply.codes;
import static org.agentstream.testing.clients.CutReply.seqs;
import static org.agentstream.testing.clients.CutReply.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatPage;
import org.agentstream.testing.clients.CutReply;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A node that dies (SIGKILL, as a crash or the kernel's OOM killer ends it) takes its connections with it, but not
 * what it sent: a reply it was running is resumed on the survivor with every chunk its log holds and ends
 * {@code interrupted}, stored once with that text, and the chat page whose reply streamed from it through the
 * balancer shows that reply. The user goes on through the balancer on the node that is left, which soon lists itself
 * alone.
 *
 * <p>One kill serves every test: {@link #startRepliesOnOneNodeAndKillIt} starts each test's reply on the same node
 * and kills it; the tests then run in order, the first resume right after the kill. Runs after every other cluster
 * test: the cluster they share keeps one node from here on.
 */
@ClusterTest
@Order(Integer.MAX_VALUE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    private static final Logger LOG = Logger.getLogger(FailoverIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * How long the survivor may take to list itself alone: generous for a busy 2-core machine, where a member's
     * failure detection (JGroups: the socket closing, then a check; Hazelcast: the connection lost, then heartbeats)
     * measured well under it.
     */
    private static final Duration DETECTED_WITHIN = Duration.ofSeconds(60);
    /** How long the balancer may take to send the user to the survivor (its own health checks, or the first error). */
    private static final Duration RECONNECTED_WITHIN = Duration.ofSeconds(60);
    /**
     * How long a resume of a dead node's reply may take to end, and its reply to be stored: the survivor ends the
     * dead node's replies once it has seen the node go, within {@link #DETECTED_WITHIN}.
     */
    private static final Duration ENDED_WITHIN = DETECTED_WITHIN.plus(WAIT);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    private static final int CHUNKS_BEFORE_CUT = 10;
    /** Sign-ins through the balancer until one lands on a given node: each lands there about every other time. */
    private static final int SIGN_IN_TRIES = 20;
    /** Echo sends a word every 10 ms: the page's reply of 3000 words streams for 30 s, past the kill. */
    private static final int PAGE_REPLY_WORDS = 3000;

    /** A reply of the dead node whose client was away when it died, and the session of its user. */
    private record Away(String session, CutReply cut) {
    }

    private Cluster cluster;
    private ClusterNode doomed;
    private ClusterNode survivor;
    private List<String> membersBefore;
    /** The user's session through the balancer (on {@link #doomed}), and its connection, streaming at the kill. */
    private String session;
    private ChatClient before;
    /**
     * Resumed on the survivor right after the kill, on a connection opened there before it so that the resume goes at
     * once; and once the survivor lists itself alone.
     */
    private Away resumedAtOnce;
    private ChatClient resumingAtOnce;
    private Away resumedLater;
    private HeadlessChromium browser;
    private ChatPage page;
    private long killed;
    private CompletableFuture<Long> alone;

    @BeforeAll
    void startRepliesOnOneNodeAndKillIt(Cluster cluster) throws Exception {
        this.cluster = cluster;
        browser = HeadlessChromium.start();
        page = new ChatPage(browser.driver(), WAIT);
        page.signIn(cluster.base().toExternalForm(), BuildUsers.DAN);
        page.open(cluster.base().toExternalForm(), "echo");
        doomed = cluster.nodeOf(page.cookieHeader());
        survivor = cluster.other(doomed);
        membersBefore = ServerStatus.memberNames(survivor.base()).stream().sorted().toList();
        session = signedInOn(doomed, BuildUsers.ALICE);
        String awayAtOnce = signedIn(BuildUsers.CAROL);
        String awayLonger = signedIn(BuildUsers.ERIN);
        resumingAtOnce = opened(survivor.base(), awayAtOnce);

        // the long replies first, the simulated model's 6 s ones last, right before the kill
        page.paste("echo", words(PAGE_REPLY_WORDS));
        page.awaitStreamedText(200);
        before = opened(cluster.base(), session);
        ChatClient.Replies streaming = new ChatClient.Replies();
        before.send(message("cut-short", "echo", words(3000), null));
        before.readUntil(streaming, read -> read.chunks("cut-short").size() >= CHUNKS_BEFORE_CUT, WAIT);
        resumedAtOnce = cutOn(doomed, awayAtOnce);
        resumedLater = cutOn(doomed, awayLonger);

        cluster.kill(doomed);
        killed = System.nanoTime();
        alone = CompletableFuture.supplyAsync(() -> untilAlone(survivor, killed));
    }

    /**
     * A session of {@code user} that the balancer keeps on {@code node}: a new session lands on either node (WildFly's
     * balancer routes it to the node its session cookie names, the one that owns the session in the grid; HAProxy's
     * takes the nodes by turns), so this signs in through the balancer again until one lands there, at most
     * {@link #SIGN_IN_TRIES} times.
     */
    private String signedInOn(ClusterNode node, String user) throws IOException {
        List<ClusterNode> landed = new ArrayList<>();
        for (int i = 0; i < SIGN_IN_TRIES; i++) {
            String cookie = signedIn(user);
            if (cluster.nodeOf(cookie).equals(node)) {
                return cookie;
            }
            landed.add(cluster.nodeOf(cookie));
        }
        throw new AssertionError("no session of " + user + " landed on " + node + " in " + SIGN_IN_TRIES
                + " sign-ins through the balancer: " + landed);
    }

    /** A session of {@code user}, signed in through the balancer. */
    private String signedIn(String user) throws IOException {
        return SignIn.signIn(cluster.base(), user, BuildUsers.passwordOf(user));
    }

    /** A simulated-model reply in the session of {@code cookie} on {@code node}, cut after ten chunks. */
    private static Away cutOn(ClusterNode node, String cookie) throws IOException, InterruptedException {
        return new Away(cookie, CutReply.askAndCut(node.base(), cookie, "simulated-model", "tell me about failover",
                CHUNKS_BEFORE_CUT, WAIT));
    }

    @AfterAll
    void closeClients() throws IOException {
        try {
            for (ChatClient client : new ChatClient[] {before, resumingAtOnce}) {
                if (client != null) {
                    client.close();
                }
            }
        } finally {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @Test
    @Order(1)
    void aReplyResumedOnTheSurvivorRightAfterTheKillGetsEveryChunkTheDeadNodeLoggedAndEndsInterrupted()
            throws Exception {
        assertResumedWithWhatWasLogged(resumedAtOnce, resumingAtOnce, "right after the kill, " + millisSince(killed)
                + " ms after it");
    }

    @Test
    @Order(2)
    void afterANodeIsKilledTheUserGoesOnThroughTheBalancerAndTheSurvivorListsItselfAlone() throws Exception {
        CloseReason lost = before.awaitClose(WAIT);
        assertNotNull(lost, "the connection through the balancer to " + doomed + " ends with it");
        LOG.log(Level.INFO, "Killed {0}: the user''s connection closed {1} ms after the kill with {2}", new Object[] {
            doomed.name(), millisSince(killed), lost});

        try (ChatClient after = reconnect(cluster.base(), session)) {
            long reconnected = millisSince(killed);
            String text = "goes on after " + doomed.name() + " died";
            assertEquals(text, ask(after, "after", "echo", text, null).text(), "a whole reply from the survivor");
            LOG.log(Level.INFO, "The user reconnected through the balancer {0} ms after the kill; a whole reply came",
                    reconnected);
        }

        long detected = awaitAlone();
        LOG.log(Level.INFO, "{0} listed itself alone in /status {1} ms after {2} was killed", new Object[] {
            survivor.name(), detected, doomed.name()});
        // asserted here, not before the kill, so that the user's side above is tested whatever /status says
        assertEquals(cluster.nodes().stream().map(ClusterNode::name).sorted().toList(), membersBefore,
                survivor + " listed both members before the kill, so listing itself alone is news");
        assertTrue(detected <= DETECTED_WITHIN.toMillis(), survivor + " listed itself alone after " + detected
                + " ms, more than " + DETECTED_WITHIN);
    }

    @Test
    @Order(3)
    void aReplyResumedOnceTheSurvivorIsAloneGetsEveryChunkTheDeadNodeLoggedAndEndsInterrupted() throws Exception {
        long detected = awaitAlone();
        try (ChatClient again = opened(survivor.base(), resumedLater.session())) {
            assertResumedWithWhatWasLogged(resumedLater, again, "once the survivor listed itself alone (" + detected
                    + " ms after the kill), " + millisSince(killed) + " ms after the kill");
        }
    }

    @Test
    @Order(4)
    void theChatPageWhoseNodeDiedShowsItsReplyInterruptedWithEveryWordTheNodeLoggedOnce() throws Exception {
        String status = page.awaitLastReplyEnded();
        String shown = page.text(page.lastAgentMessage());
        Map<String, Object> record = page.lastReplyRecord();
        LOG.log(Level.INFO, "The page whose node died: {0}, {1} words; screenshot {2}", new Object[] {status,
            shown.isEmpty() ? 0 : shown.split(" ").length, browser.screenshot("cluster-node-died.png")});

        assertEquals(List.of(), record.get("errors"), "the reply ended with the survivor's stream_end, not with an "
                + "error answering the page's resume");
        assertEquals("interrupted", status, "the reply's node died");
        List<String> shownWords = List.of(shown.split(" "));
        assertEquals(IntStream.range(0, shownWords.size()).mapToObj(i -> "word" + i).toList(), shownWords,
                "every word from the first, once, in order");
        assertTrue(shownWords.size() < PAGE_REPLY_WORDS, "the reply stopped when its node died: " + shownWords.size()
                + " words");
        assertEquals(shown, record.get("text"), "the client's reply holds what the page shows");
        List<?> chunks = (List<?>) record.get("chunks");
        assertEquals(IntStream.range(0, chunks.size()).boxed().toList(), chunks.stream()
                .map(chunk -> ((Number) ((List<?>) chunk).get(2)).intValue()).toList(), "each seq once, in order");

        try (ChatClient reader = opened(survivor.base(), page.cookieHeader())) {
            JsonObject stored = storedReply(reader, (String) record.get("conversationId"),
                    (String) record.get("messageId"), ENDED_WITHIN);
            assertEquals(shown, stored.getString("content"), "the page shows the whole reply the survivor stored");
            assertEquals("interrupted", stored.getString("status"));
        }
    }

    /**
     * Resumes a reply of the dead node whose client was away when it died on {@code again}, a connection of the same
     * user to the survivor: the chunks the log holds that the client lacks, then {@code stream_end} interrupted; the
     * history holds exactly that text, once.
     */
    private void assertResumedWithWhatWasLogged(Away away, ChatClient again, String when) throws Exception {
        CutReply cut = away.cut();
        long resuming = System.nanoTime();
        CutReply.Resumed resumed = cut.resumeOn(again, ENDED_WITHIN);
        assertEquals(List.of(), codes(resumed.errors()), survivor + " resumes the reply of " + doomed + " "
                + when + ": " + resumed.errors());
        List<Frame> all = cut.with(resumed);
        LOG.log(Level.INFO, "Resumed on {0} {1}: {2} chunks before the cut, {3} more from the log, {4} after "
                + "{5} ms", new Object[] {survivor.name(), when, cut.chunks().size(), resumed.chunks().size(),
                    resumed.status(), millisSince(resuming)});
        assertEquals("interrupted", resumed.status(), resumed.end().json().toString());
        assertEquals(IntStream.range(0, all.size()).boxed().toList(), seqs(all), "every chunk once, in order");
        assertTrue(resumed.chunks().stream().allMatch(CutReply::replayed), "the rest comes from the dead node's "
                + "log, nothing live");
        assertEquals(all.size(), resumed.end().json().getInt("chunks"), resumed.end().json().toString());

        JsonObject stored = storedReply(again, cut.conversationId(), cut.messageId(), ENDED_WITHIN);
        assertEquals(text(all), stored.getString("content"), "stored with exactly the text of the logged "
                + "chunks, which starts with the " + cut.chunks().size() + " the client got before the cut");
        assertEquals("interrupted", stored.getString("status"));
        assertEquals(all.size(), stored.getInt("chunks"));
    }

    /** The milliseconds from the kill until the survivor listed itself alone; fails the test if it did not. */
    private long awaitAlone() throws InterruptedException {
        try {
            return alone.get(DETECTED_WITHIN.toMillis() + WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AssertionError failed ? failed : new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(survivor + " was not seen alone in time", e);
        }
    }

    /**
     * A connection through the balancer with the user's session, once the balancer sends it to a node that opens it:
     * tried again every {@link #RETRY_PAUSE} while it does not, for {@link #RECONNECTED_WITHIN} at most, as the chat
     * page does.
     */
    private static ChatClient reconnect(URL base, String session) throws InterruptedException {
        long deadline = System.nanoTime() + RECONNECTED_WITHIN.toNanos();
        while (true) {
            try {
                return opened(base, session);
            } catch (IOException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no connection through the balancer within " + RECONNECTED_WITHIN
                            + "; the last attempt: " + e.getMessage(), e);
                }
                TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
            }
        }
    }

    /**
     * The milliseconds from the kill until {@code /status} of the survivor lists the survivor alone, read every
     * {@link #RETRY_PAUSE}; fails after twice {@link #DETECTED_WITHIN}, so the test can still say how late it was.
     */
    private static long untilAlone(ClusterNode survivor, long killed) {
        long deadline = killed + 2 * DETECTED_WITHIN.toNanos();
        List<String> members = List.of();
        try {
            while (System.nanoTime() < deadline) {
                members = ServerStatus.memberNames(survivor.base());
                if (members.equals(List.of(survivor.name()))) {
                    return millisSince(killed);
                }
                TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
            }
        } catch (IOException e) {
            throw new AssertionError(survivor + " does not answer /status after the kill: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        throw new AssertionError(survivor + " still lists " + members + " " + millisSince(killed)
                + " ms after the kill");
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
