package org.agentstream.chat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open chat connections of each owner (a signed-in user, or an anonymous owner key): at most a set number
 * each, and all of a user's closed at once when they sign out. The one registry of sessions, owned by the chat.
 */
@ApplicationScoped
public class OwnerConnections {

    private static final Logger LOG = Logger.getLogger(OwnerConnections.class.getName());

    private final Map<String, Set<Session>> byOwner = new ConcurrentHashMap<>();

    /** Counts the connection in for its owner, unless the owner has {@code max} open already. */
    public boolean open(String owner, Session session, int max) {
        boolean[] added = new boolean[1];
        byOwner.compute(owner, (key, sessions) -> {
            Set<Session> open = sessions == null ? ConcurrentHashMap.newKeySet() : sessions;
            if (open.size() < max) {
                added[0] = open.add(session);
            }
            return open.isEmpty() ? null : open;
        });
        return added[0];
    }

    public void closed(String owner, Session session) {
        byOwner.computeIfPresent(owner, (key, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
        synchronized (this) {
            notifyAll();
        }
    }

    public int count(String owner) {
        Set<Session> sessions = byOwner.get(owner);
        return sessions == null ? 0 : sessions.size();
    }

    /**
     * Waits, at most {@code timeout}, until the owner has no connection open; true if that happened. Signing out
     * waits so before it ends the HTTP session, which some containers answer by dropping the session's
     * connections at once, before the close frames went out.
     */
    public synchronized boolean awaitNone(String owner, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(owner) > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Closes every open connection of the owner with {@code reason}; returns how many there were. */
    public int closeAll(String owner, CloseReason reason) {
        Set<Session> sessions = byOwner.get(owner);
        List<Session> open = sessions == null ? List.of() : List.copyOf(sessions);
        for (Session session : open) {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Closing a connection of a signed-out owner failed", e);
            }
        }
        return open.size();
    }
}
