package org.agentstream.access;

import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Decides who owns what a chat connection does: its signed-in user ({@code user:<principal>}), else the anonymous
 * owner key the handshake found in the browser's {@link OwnerCookieFilter cookie} (or a fresh key of the
 * connection's own). Owners are opaque strings to everything else.
 */
public final class Owners {

    /** The session user property that holds the anonymous owner ({@code anonymous:<key>}). */
    private static final String ANONYMOUS_OWNER = "agentstream.anonymous-owner";

    private Owners() {
    }

    /** At the handshake: records the anonymous owner of the connection in its user properties. */
    public static void recordAnonymous(Map<String, List<String>> handshakeHeaders, Map<String, Object> properties) {
        List<String> cookies = handshakeHeaders.entrySet().stream()
                .filter(header -> "cookie".equalsIgnoreCase(header.getKey()))
                .flatMap(header -> header.getValue().stream()).toList();
        String key = OwnerCookieFilter.keyIn(cookies).orElseGet(OwnerCookieFilter::newKey);
        properties.put(ANONYMOUS_OWNER, "anonymous:" + key);
    }

    /** Who owns what a connection does: its signed-in user, else its anonymous owner key. */
    public static String of(Session session) {
        Principal user = session.getUserPrincipal();
        return user != null ? user(user.getName()) : (String) session.getUserProperties().get(ANONYMOUS_OWNER);
    }

    /** The owner of a signed-in user's conversations and replies: {@code user:<principal name>}. */
    public static String user(String principalName) {
        return "user:" + principalName;
    }
}
