package org.agentstream.chat;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Reads, at the handshake, who owns a chat connection's conversations when nobody is signed in: the anonymous owner
 * key of the browser's {@link OwnerCookieFilter cookie}, or, without one, a fresh key of the connection's own. A
 * signed-in user owns by their principal instead ({@link #owner}). WebSocket 2.1 makes the user properties seen here
 * a copy per connection, which then become the session's.
 */
public class ChatConfigurator extends ServerEndpointConfig.Configurator {

    /** The session user property that holds the anonymous owner ({@code anonymous:<key>}). */
    static final String ANONYMOUS_OWNER = "agentstream.anonymous-owner";

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String key = OwnerCookieFilter.keyIn(cookieHeaders(request.getHeaders()))
                .orElseGet(OwnerCookieFilter::newKey);
        config.getUserProperties().put(ANONYMOUS_OWNER, "anonymous:" + key);
    }

    /** Who owns what a connection does: its signed-in user, else its anonymous owner key. */
    static String owner(Session session) {
        Principal user = session.getUserPrincipal();
        return user != null ? userOwner(user.getName()) : (String) session.getUserProperties().get(ANONYMOUS_OWNER);
    }

    /** The owner of a signed-in user's conversations and replies: {@code user:<principal name>}. */
    static String userOwner(String principalName) {
        return "user:" + principalName;
    }

    private static List<String> cookieHeaders(Map<String, List<String>> headers) {
        return headers.entrySet().stream().filter(header -> "cookie".equalsIgnoreCase(header.getKey()))
                .flatMap(header -> header.getValue().stream()).toList();
    }
}
