package org.agentstream.chat;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * Reads who owns a chat connection's conversations at the handshake: the anonymous owner key of the browser's
 * {@link OwnerCookieFilter cookie}, or, without one, a fresh key of the connection's own. WebSocket 2.1 makes the
 * user properties seen here a copy per connection, which then become the session's.
 */
public class ChatConfigurator extends ServerEndpointConfig.Configurator {

    /** The session user property that holds the owner ({@code anonymous:<key>}). */
    static final String OWNER = "agentstream.owner";

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String key = OwnerCookieFilter.keyIn(cookieHeaders(request.getHeaders()))
                .orElseGet(OwnerCookieFilter::newKey);
        config.getUserProperties().put(OWNER, "anonymous:" + key);
    }

    private static List<String> cookieHeaders(Map<String, List<String>> headers) {
        return headers.entrySet().stream().filter(header -> "cookie".equalsIgnoreCase(header.getKey()))
                .flatMap(header -> header.getValue().stream()).toList();
    }
}
