package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/**
 * The handshake check on names a test cannot reach over loopback: the chat's own origin when the server is known by
 * a name that is not localhost (the Host header the browser sent), and a foreign or other-port origin beside it.
 */
@EnableWeld
class OriginFilterTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(OriginFilter.class, AccessSettings.class).build();

    private static final String ALLOWED = "agentstream.chat.allowed-origins";

    @Inject
    OriginFilter filter;

    /** The status the filter answered: 200 when it passed the handshake on to the endpoint. */
    private int handshake(String origin, String host) throws Exception {
        Map<String, String> headers = Map.of("Origin", origin, "Host", host);
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> "getHeader".equals(method.getName()) ? headers.get((String) args[0]) : null);
        AtomicInteger status = new AtomicInteger();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    if ("sendError".equals(method.getName())) {
                        status.set((Integer) args[0]);
                    }
                    return null;
                });
        filter.doFilter(request, response, (req, res) -> status.set(200));
        return status.get();
    }

    @Test
    void theAppsOwnOriginIsAcceptedUnderANameThatIsNotLocal() throws Exception {
        assertEquals(200, handshake("https://chat.example.org", "chat.example.org"));
        assertEquals(200, handshake("https://chat.example.org", "chat.example.org:443"),
                "the default port spelled out");
        assertEquals(200, handshake("http://chat.example.org:8080", "Chat.Example.org:8080"));
    }

    @Test
    void aLocalhostOriginIsAcceptedOnlyWhileTheChatIsReachedAtLocalhost() throws Exception {
        assertEquals(200, handshake("http://localhost:3000", "localhost:8080"), "a development page on another port");
        assertEquals(200, handshake("http://127.0.0.1:5173", "127.0.0.1:8080"));
        assertEquals(200, handshake("http://[::1]:3000", "[::1]:8080"));
        assertEquals(200, handshake("http://localhost:3000", "localhost"));
        assertEquals(403, handshake("http://localhost:3000", "chat.example.org"),
                "a page on the user's own machine cannot open a chat served under another name");
        assertEquals(403, handshake("http://localhost:8080", "chat.example.org:8080"));
        assertEquals(403, handshake("http://127.0.0.1", "localhost.example.org"));
        assertEquals(403, handshake("http://[::1]:3000", "[::2]:8080"));
    }

    @Test
    void aLocalhostOriginTheAdminListedIsAcceptedWhateverTheHost() throws Exception {
        String before = System.getProperty(ALLOWED);
        System.setProperty(ALLOWED, "http://localhost:3000");
        try {
            assertEquals(200, handshake("http://localhost:3000", "chat.example.org"));
            assertEquals(403, handshake("http://localhost:3001", "chat.example.org"), "only the one listed");
        } finally {
            if (before == null) {
                System.clearProperty(ALLOWED);
            } else {
                System.setProperty(ALLOWED, before);
            }
        }
    }

    @Test
    void anotherSiteOrAnotherPortOfTheSameHostIsRefused() throws Exception {
        assertEquals(403, handshake("https://evil.example", "chat.example.org"));
        assertEquals(403, handshake("http://chat.example.org:9999", "chat.example.org:8080"));
        assertEquals(403, handshake("http://chat.example.org", "chat.example.org:8080"));
    }
}
