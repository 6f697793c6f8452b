package org.agentstream.access;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.conversations;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.listed;
import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.RawWebSocket;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.TestSupport;
import org.agentstream.testing.fixtures.TestUrls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-in through the server's own realm, as deployed: the build's users in WildFly's application realm and
 * Payara's file realm, the form sign-in, the chat's handshake refused to nobody and to a user without the role,
 * conversations and replies that belong to their user, {@code /status} for {@code chat-admin} only, sign-out that
 * closes the user's connections, and the per-user limits.
 */
class SignInIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String ALICE = BuildUsers.ALICE;
    private static final String BOB = BuildUsers.BOB;

    private final List<String> changed = new ArrayList<>();

    @BeforeEach
    void signInRequired() throws IOException {
        set(SIGN_IN, "required");
    }

    @AfterEach
    void restoreSettings() throws IOException {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            for (String name : changed) {
                if (!name.equals(SIGN_IN)) {
                    admin.removeSetting(name);
                }
            }
            admin.setSetting(SIGN_IN, "off");
        }
    }

    private void set(String name, String value) throws IOException {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(name, value);
        }
        changed.add(name);
    }

    @Test
    void aHandshakeFromNobodySignedInIsRefusedAndASignedInUsersIsAccepted() throws Exception {
        IOException refused = assertThrows(IOException.class, () -> RawWebSocket.open(base).close());
        assertTrue(refused.getMessage().contains(" 401"), refused.getMessage());

        try (ChatClient alice = ChatClient.connect(base, SignIn.as(base, ALICE))) {
            Reply reply = ask(alice, "hello", "echo", "signed in", null);
            assertEquals("signed in", reply.text());
        }
    }

    @Test
    void aWrongPasswordSignsNobodyIn() {
        IOException failed = assertThrows(IOException.class,
                () -> SignIn.signIn(base, ALICE, BuildUsers.passwordOf(ALICE) + "x"));
        assertTrue(failed.getMessage().contains("not signed in"), failed.getMessage());
        assertThrows(IOException.class, () -> SignIn.signIn(base, "it-nobody-at-all", "whatever"));
    }

    @Test
    void aUserWithoutTheChatRoleIsRefusedAtTheHandshake() throws Exception {
        for (String user : List.of(BuildUsers.NOBODY, BuildUsers.ADMIN)) {
            IOException refused = assertThrows(IOException.class,
                    () -> RawWebSocket.open(base, SignIn.cookie(base, user)).close(), user);
            assertTrue(refused.getMessage().contains(" 403"), user + ": " + refused.getMessage());
        }
    }

    @Test
    void anotherUsersConversationsAndRepliesAreIndistinguishableFromUnknownOnes() throws Exception {
        try (ChatClient alice = ChatClient.connect(base, SignIn.as(base, ALICE));
                ChatClient bob = ChatClient.connect(base, SignIn.as(base, BOB))) {
            String conversation = ask(alice, "a1", "echo", "alice's secret", null).start().text("conversationId");
            alice.send(message("a2", "held", "held for a while", conversation));
            ChatClient.Replies held = new ChatClient.Replies();
            alice.readUntil(held, read -> read.started("a2"), WAIT);
            String heldId = held.start("a2").text("messageId");

            assertNull(listed(conversations(bob, "b-list"), conversation), "bob's list");
            expectError(bob, request("history", "b-history", conversation), "b-history", "unknown_conversation");
            expectError(bob, message("b-continue", "echo", "mine now", conversation), "b-continue",
                    "unknown_conversation");
            expectError(bob, request("delete_conversation", "b-delete", conversation), "b-delete",
                    "unknown_conversation");
            bob.cancel(heldId);
            expectError(bob, null, null, "unknown_message");
            bob.resume("b-resume", heldId, -1);
            expectError(bob, null, "b-resume", "unknown_message");
            expectError(bob, request("history", "b-unknown", "no-such-conversation"), "b-unknown",
                    "unknown_conversation");

            assertEquals(1, TestSupport.releaseHeldReplies(base));
            alice.readUntil(held, read -> read.ended("a2"), WAIT);
            assertEquals("complete", held.reply("a2").status(), "bob's cancel did not touch alice's reply");
            try (ChatClient aliceAgain = ChatClient.connect(base, SignIn.as(base, ALICE))) {
                assertNotNull(listed(conversations(aliceAgain, "a-list"), conversation), "alice's own list");
                assertEquals(4, history(aliceAgain, "a-history", conversation).getJsonArray("messages").size());
            }
        }
    }

    private static void expectError(ChatClient client, String frame, String replyTo, String code)
            throws IOException, InterruptedException {
        if (frame != null) {
            client.send(frame);
        }
        Frame error = client.next("error", WAIT);
        assertEquals(code, error.text("code"), error.json().toString());
        assertEquals(replyTo, error.text("replyTo"), error.json().toString());
    }

    @Test
    void statusIsForChatAdminsOnly() throws Exception {
        HttpResponse<String> nobody = status(null);
        assertTrue(nobody.body().contains("j_security_check"), "the sign-in form, not the figures: " + nobody.body());
        assertEquals(403, status(SignIn.cookie(base, ALICE)).statusCode(), "a chat-user");
        HttpResponse<String> admin = status(SignIn.cookie(base, BuildUsers.ADMIN));
        assertEquals(200, admin.statusCode(), admin.body());
        assertTrue(admin.body().contains("\"activeStreams\""), admin.body());
    }

    @Test
    void theSessionCookieGoesWithSameSiteRequestsOnlyAndNotToScripts() throws Exception {
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(TestUrls.resolve(base, "signin"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        List<String> session = form.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith("JSESSIONID=")).toList();
        assertEquals(1, session.size(), "the sign-in form starts a session: " + form.headers().map());
        String cookie = session.get(0).toLowerCase(java.util.Locale.ROOT);
        assertTrue(cookie.contains("samesite=lax"), session.get(0));
        assertTrue(cookie.contains("httponly"), session.get(0));
    }

    private HttpResponse<String> status(String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(TestUrls.resolve(base, "status"))
                .timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signingOutClosesThatUsersConnectionsAndNobodyElses() throws Exception {
        String session = SignIn.signIn(base, ALICE, BuildUsers.passwordOf(ALICE));
        Map<String, List<String>> headers = Map.of("Cookie", List.of(session));
        try (ChatClient first = ChatClient.connect(base, headers);
                ChatClient second = ChatClient.connect(base, headers);
                ChatClient bob = ChatClient.connect(base, SignIn.as(base, BOB))) {
            ask(first, "before", "echo", "still here", null);
            HttpResponse<String> signOut = HTTP.send(HttpRequest.newBuilder(TestUrls.resolve(base, "signout"))
                    .header("Cookie", session).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, signOut.statusCode(), signOut.body());

            for (ChatClient connection : List.of(first, second)) {
                CloseReason closed = connection.awaitClose(WAIT);
                assertNotNull(closed, "alice's connection is closed");
                assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
                assertEquals("signed_out", closed.getReasonPhrase());
            }
            assertEquals("bob goes on", ask(bob, "after", "echo", "bob goes on", null).text());
            IOException refused = assertThrows(IOException.class, () -> RawWebSocket.open(base, session).close());
            assertTrue(refused.getMessage().contains(" 401"), "the old session is over: " + refused.getMessage());
        }
    }

    @Test
    void aUsersMessagesPastTheRateGetRateLimitedAndOtherUsersGoOn() throws Exception {
        // one a minute: the second message comes a minute early however slow the machine is
        set("agentstream.chat.max-messages-per-minute", "1");
        try (ChatClient alice = ChatClient.connect(base, SignIn.as(base, ALICE));
                ChatClient bob = ChatClient.connect(base, SignIn.as(base, BOB))) {
            ask(alice, "a0", "echo", "the first message", null);
            alice.send(message("a1", "echo", "one too many", null));
            Frame limited = alice.next("error", WAIT);
            assertEquals("rate_limited", limited.text("code"), limited.json().toString());
            assertEquals("a1", limited.text("replyTo"));
            long retryAfter = limited.json().getJsonNumber("retryAfterMs").longValue();
            assertTrue(retryAfter > 0 && retryAfter <= 60_000, "one message a minute: " + retryAfter);

            assertEquals("bob is not limited", ask(bob, "b0", "echo", "bob is not limited", null).text());
            alice.send(request("agents", "a-agents", null));
            assertEquals("agents", alice.next(WAIT).type(), "alice's connection goes on");
        }
    }

    @Test
    void aUsersConnectionPastTheLimitClosesTheirOldestAndRepliesAreLimitedOverAllTheirConnections()
            throws Exception {
        set("agentstream.chat.max-connections-per-user", "2");
        set("agentstream.stream.max-streams-per-user", "2");
        try (ChatClient oldest = opened(ALICE); ChatClient first = opened(ALICE); ChatClient second = opened(ALICE)) {
            CloseReason closed = oldest.awaitClose(WAIT);
            assertNotNull(closed, "the oldest connection is closed, so a vanished client cannot lock its user out");
            assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
            assertEquals("too_many_connections", closed.getReasonPhrase());
            assertNull(first.awaitClose(Duration.ZERO), "the newer ones stay open");

            ChatClient.Replies onFirst = new ChatClient.Replies();
            ChatClient.Replies onSecond = new ChatClient.Replies();
            first.send(message("r1", "held", "one", null));
            first.readUntil(onFirst, read -> read.started("r1"), WAIT);
            second.send(message("r2", "held", "two", null));
            second.readUntil(onSecond, read -> read.started("r2"), WAIT);
            second.send(message("r3", "echo", "three", null));
            second.readUntil(onSecond, read -> !read.errors("r3").isEmpty(), WAIT);
            Frame busy = onSecond.errors("r3").get(0);
            assertEquals("busy", busy.text("code"), busy.json().toString());

            try (ChatClient bob = ChatClient.connect(base, SignIn.as(base, BOB))) {
                assertEquals("bob streams", ask(bob, "b1", "echo", "bob streams", null).text());
            }
            assertEquals(2, TestSupport.releaseHeldReplies(base));
            first.readUntil(onFirst, read -> read.ended("r1"), WAIT);
            second.readUntil(onSecond, read -> read.ended("r2"), WAIT);
            assertEquals("complete", onFirst.reply("r1").status());
            assertEquals("complete", onSecond.reply("r2").status());
            assertTrue(onSecond.ended("r2") && !onSecond.started("r3"), "r3 started nothing");
        }
    }

    /** A connection of {@code user} that the server has opened (it answered a request on it). */
    private ChatClient opened(String user) throws Exception {
        ChatClient client = ChatClient.connect(base, SignIn.as(base, user));
        client.send(request("agents", "open", null));
        assertEquals("agents", client.next(WAIT).type());
        return client;
    }

    @Test
    void withSignInOffAnonymousOwnersChatAndSignedInUsersStillOwnByName() throws Exception {
        set(SIGN_IN, "off");
        try (RawWebSocket anonymous = RawWebSocket.open(base)) {
            anonymous.sendText(Json.createObjectBuilder().add("type", "agents").add("id", "x").build().toString());
        }
        try (ChatClient alice = ChatClient.connect(base, SignIn.as(base, ALICE))) {
            String conversation = ask(alice, "a1", "echo", "signed in, sign-in off", null).start()
                    .text("conversationId");
            try (ChatClient aliceAgain = ChatClient.connect(base, SignIn.as(base, ALICE))) {
                assertNotNull(listed(conversations(aliceAgain, "list"), conversation), "owned by alice's name");
            }
        }
    }
}
