package org.agentstream.testing.doubles;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.agentstream.access.HttpSessions;

/**
 * WebSocket sessions for unit tests of connection registries: each has a name (also its id), may have been opened
 * with an HTTP session, and records its closes as {@code "name: reason phrase"}; it reports itself open while its name
 * is {@linkplain #onTheWire() on the wire} (its close handshake not over).
 */
public final class RecordedSessions {

    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final Set<String> onTheWire = ConcurrentHashMap.newKeySet();

    /** A session opened without an HTTP session. */
    public Session session(String name) {
        return session(name, null);
    }

    /** A session opened with the HTTP session {@code httpSession} (null: none). */
    public Session session(String name, String httpSession) {
        Map<String, Object> properties = new ConcurrentHashMap<>();
        HttpSessions.record(httpSession, properties);
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        closes.add(name + ": " + ((CloseReason) args[0]).getReasonPhrase());
                        yield null;
                    }
                    case "isOpen" -> onTheWire.contains(name);
                    case "getId" -> name;
                    case "getUserProperties" -> properties;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> name;
                    default -> null;
                });
    }

    /** The closes so far, in order. */
    public List<String> closes() {
        return closes;
    }

    /** The names of sessions whose close is not over on the wire; tests add and remove them. */
    public Set<String> onTheWire() {
        return onTheWire;
    }
}
