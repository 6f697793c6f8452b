package org.agentstream.access;

import static org.agentstream.testing.clients.Conversations.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.RawWebSocket;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedAppWithSignIn;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The end of an HTTP session, ended through the container (a test servlet invalidates the session its cookie names,
 * or shortens its time-out), closes every chat connection opened with it with 1008, and no other: older connections
 * too, which Payara's own WebSocket layer leaves open.
 */
class SessionEndIT extends DeployedAppWithSignIn {

    /**
     * The reason phrases a client may get: ours, and on WildFly also none, as its own WebSocket layer closes the
     * connections of an ended session too, and may come first (docs/protocol.md, Closes).
     */
    private static final Set<String> REASONS = "payara".equals(System.getProperty("it.server", "wildfly"))
            ? Set.of("signed_out") : Set.of("signed_out", "");

    private static final Duration WAIT = Duration.ofSeconds(30);
    @Test
    void endingASessionClosesEveryConnectionOpenedWithItAndNoOther() throws Exception {
        String ending = SignIn.signIn(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        String other = SignIn.signIn(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        try (ChatClient older = opened(ending); ChatClient newer = opened(ending);
                ChatClient elsewhere = opened(other)) {
            TestSupport.endSession(base, ending);

            for (ChatClient connection : List.of(older, newer)) {
                CloseReason closed = connection.awaitClose(WAIT);
                assertNotNull(closed, "a connection of the ended session is closed within " + WAIT);
                assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
                assertTrue(REASONS.contains(closed.getReasonPhrase()), closed.toString());
            }
            elsewhere.send(request("agents", "after", null));
            assertEquals("agents", elsewhere.next(WAIT).type(), "the same user's other session goes on");
            assertNull(elsewhere.awaitClose(Duration.ZERO), "and its connection stays open");
            IOException refused = assertThrows(IOException.class, () -> RawWebSocket.open(base, ending).close());
            assertTrue(refused.getMessage().contains(" 401"), "the ended session opens no more: " + refused);
        }
    }

    /**
     * WildFly only: on Payara a session with an open WebSocket connection does not time out (none did within 150 s of
     * a one-second time-out, its reaper running every 10 s), so there the connection stays open as its user.
     */
    @Test
    @EnabledIfSystemProperty(named = "it.server", matches = "wildfly")
    void aSessionThatTimesOutClosesItsConnections() throws Exception {
        String timingOut = SignIn.signIn(base, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        try (ChatClient connection = opened(timingOut)) {
            TestSupport.shortenSession(base, timingOut, Duration.ofSeconds(1));

            CloseReason closed = connection.awaitClose(WAIT);
            assertNotNull(closed, "the connection of a session that timed out is closed within " + WAIT);
            assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
            assertTrue(REASONS.contains(closed.getReasonPhrase()), closed.toString());
        }
    }

    /** A connection opened with the session of {@code cookie}, which the server has opened (it answered on it). */
    private ChatClient opened(String cookie) throws Exception {
        ChatClient client = ChatClient.connect(base, Map.of("Cookie", List.of(cookie)));
        client.send(request("agents", "open", null));
        assertEquals("agents", client.next(WAIT).type());
        return client;
    }
}
