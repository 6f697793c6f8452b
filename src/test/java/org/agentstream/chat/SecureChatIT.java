package org.agentstream.chat;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpCookie;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.ChatPage;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildTlsKey;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedAppWithSignIn;
import org.agentstream.testing.fixtures.TestUrls;
import org.junit.jupiter.api.Test;

/**
 * The chat over TLS, as real deployments run it: each server's own https listener, set up by server-config with the
 * build's key, which the clients trust alone. A user signs in over https, every cookie set on the way (the
 * container's session cookie, the application's owner cookie) is {@code Secure}, and the session chats over
 * {@code wss:}, from Java and from the page in a browser.
 */
class SecureChatIT extends DeployedAppWithSignIn {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aUserSignedInOverHttpsGetsSecureCookiesAndChatsOverWss() throws Exception {
        URL secure = TestUrls.overTls(base);
        List<HttpCookie> cookies = SignIn.signedIn(secure, BuildUsers.ALICE, BuildUsers.passwordOf(BuildUsers.ALICE));
        List<String> names = cookies.stream().map(HttpCookie::getName).toList();
        assertTrue(names.contains("JSESSIONID") && names.contains("agentstream-owner"), names.toString());
        for (HttpCookie cookie : cookies) {
            assertTrue(cookie.getSecure(), cookie.getName() + " was set over https without Secure");
        }

        String session = cookies.stream().map(HttpCookie::toString).collect(Collectors.joining("; "));
        try (ChatClient alice = ChatClient.connect(secure, Map.of("Cookie", List.of(session)))) {
            Reply reply = ask(alice, "tls", "echo", "every word over wss", null);
            assertNotNull(reply.start(), "stream_start");
            assertFalse(reply.chunks().isEmpty(), "chunks");
            assertEquals("every word over wss", reply.text());
        }
    }

    /**
     * The chat page served over https, in a Chromium that takes the build's key (and no other unsigned one): the
     * user signs in through the server's form, and the page's client picks {@code wss:} by itself and streams.
     */
    @Test
    void thePageServedOverHttpsChatsOverWss() throws Exception {
        URL secure = TestUrls.overTls(base);
        try (HeadlessChromium browser = HeadlessChromium.trusting(BuildTlsKey.publicKeyPin())) {
            ChatPage page = new ChatPage(browser.driver(), WAIT);
            page.signIn(secure.toExternalForm(), BuildUsers.ALICE);
            page.awaitConnection("open");
            Object chat = page.asyncScript("""
                    const done = arguments[arguments.length - 1];
                    import(arguments[0]).then((module) => done(module.client.url), (failed) => done(String(failed)));
                    """, secure.getPath() + "js/chat-page.js");
            assertEquals(TestUrls.resolve(secure, "chat").toString().replaceFirst("^https:", "wss:"), chat);
            page.awaitAgent("echo");
            page.send("echo", "the page over wss");
            assertEquals("the page over wss", page.text(page.awaitLastReply("complete")));
        }
    }
}
