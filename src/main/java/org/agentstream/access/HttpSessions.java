package org.agentstream.access;

import jakarta.servlet.http.HttpSession;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.util.Map;

/**
 * Records at the handshake which HTTP session a chat connection was opened with (its id), so that the session's end
 * closes the connection ({@link SessionEndListener}). A handshake without a session (an anonymous client, unless
 * something made one for it) records none, and no session's end closes that connection.
 */
public final class HttpSessions {

    /** The session user property that holds the id of the HTTP session of the handshake. */
    private static final String HTTP_SESSION = "agentstream.http-session";

    private HttpSessions() {
    }

    /**
     * At the handshake: records the id of its HTTP session (if it has one) in the connection's user properties,
     * which WebSocket 2.1 makes a copy per connection.
     */
    public static void record(HandshakeRequest request, Map<String, Object> properties) {
        record(request.getHttpSession() instanceof HttpSession session ? session.getId() : null, properties);
    }

    public static void record(String httpSessionId, Map<String, Object> properties) {
        if (httpSessionId == null) {
            properties.remove(HTTP_SESSION);
        } else {
            properties.put(HTTP_SESSION, httpSessionId);
        }
    }

    /** The id of the HTTP session the connection was opened with; null when its handshake had none. */
    public static String idOf(Session session) {
        Map<String, Object> properties = session.getUserProperties();
        return properties == null ? null : (String) properties.get(HTTP_SESSION);
    }
}
