package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.opened;
import static org.agentstream.testing.clients.Conversations.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A node that dies (SIGKILL, as a crash or the kernel's OOM killer ends it) takes its connections with it, and the
 * user goes on through the balancer on the node that is left, which soon lists itself alone. Runs after every other
 * cluster test: the cluster they share keeps one node from here on.
 */
@ClusterTest
@Order(Integer.MAX_VALUE)
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
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    @Test
    void afterANodeIsKilledTheUserGoesOnThroughTheBalancerAndTheSurvivorListsItselfAlone(Cluster cluster)
            throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        ClusterNode doomed = cluster.nodeOf(session);
        ClusterNode survivor = cluster.other(doomed);
        List<String> membersBefore = ServerStatus.memberNames(survivor.base()).stream().sorted().toList();

        long killed;
        CompletableFuture<Long> alone;
        try (ChatClient before = opened(cluster.base(), session)) {
            ChatClient.Replies streaming = new ChatClient.Replies();
            before.send(message("cut-short", "echo", words(3000), null));
            before.readUntil(streaming, read -> read.chunks("cut-short").size() >= 10, WAIT);

            cluster.kill(doomed);
            killed = System.nanoTime();
            alone = CompletableFuture.supplyAsync(() -> untilAlone(survivor, killed));
            CloseReason lost = before.awaitClose(WAIT);
            assertNotNull(lost, "the connection through the balancer to " + doomed + " ends with it");
            LOG.log(Level.INFO, "Killed {0}: the user''s connection closed after {1} ms with {2}", new Object[] {
                doomed.name(), millisSince(killed), lost});
        }

        ChatClient after = reconnect(cluster.base(), session);
        try (after) {
            long reconnected = millisSince(killed);
            String text = "goes on after " + doomed.name() + " died";
            assertEquals(text, ask(after, "after", "echo", text, null).text(), "a whole reply from the survivor");
            LOG.log(Level.INFO, "The user reconnected through the balancer {0} ms after the kill; a whole reply came",
                    reconnected);
        }

        long detected;
        try {
            detected = alone.get(DETECTED_WITHIN.toMillis() + WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AssertionError failed ? failed : new AssertionError(e.getCause());
        }
        LOG.log(Level.INFO, "{0} listed itself alone in /status {1} ms after {2} was killed", new Object[] {
            survivor.name(), detected, doomed.name()});
        // asserted here, not before the kill, so that the user's side above is tested whatever /status says
        assertEquals(cluster.nodes().stream().map(ClusterNode::name).sorted().toList(), membersBefore,
                survivor + " listed both members before the kill, so listing itself alone is news");
        assertTrue(detected <= DETECTED_WITHIN.toMillis(), survivor + " listed itself alone after " + detected
                + " ms, more than " + DETECTED_WITHIN);
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
