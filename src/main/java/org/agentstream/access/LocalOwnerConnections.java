package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open chat connections of each owner on this node, oldest first: the one registry of sessions, owned by the
 * chat. Signing out closes the ones open here, and so does the end of the HTTP session they were opened with, found
 * by going through them all (a session ends far less often than a connection opens).
 */
@ApplicationScoped
@Typed(LocalOwnerConnections.class)
public class LocalOwnerConnections implements OwnerConnections {

    private static final Logger LOG = Logger.getLogger(LocalOwnerConnections.class.getName());
    /** How often a wait for closes looks whether a closed connection finished its close on the wire. */
    private static final long CLOSE_CHECK_MS = 5;

    /** Each owner's open connections, oldest first; each list is replaced whole, never changed. */
    private final Map<String, List<Session>> byOwner = new ConcurrentHashMap<>();

    @Override
    public Optional<Session> open(String owner, Session session, int max) {
        Session[] evicted = new Session[1];
        byOwner.compute(owner, (key, sessions) -> {
            List<Session> open = new ArrayList<>(sessions == null ? List.of() : sessions);
            while (open.size() >= Math.max(1, max)) {
                evicted[0] = open.remove(0);
            }
            open.add(session);
            return List.copyOf(open);
        });
        return Optional.ofNullable(evicted[0]);
    }

    @Override
    public void closed(String owner, Session session) {
        byOwner.computeIfPresent(owner, (key, sessions) -> {
            List<Session> open = new ArrayList<>(sessions);
            open.remove(session);
            return open.isEmpty() ? null : List.copyOf(open);
        });
        synchronized (this) {
            notifyAll();
        }
    }

    int count(String owner) {
        List<Session> sessions = byOwner.get(owner);
        return sessions == null ? 0 : sessions.size();
    }

    /** How many connections are open on this node, of all owners. */
    public int openCount() {
        return byOwner.values().stream().mapToInt(List::size).sum();
    }

    /** The owner's open connection whose {@linkplain Session#getId id} is {@code sessionId}, if it is open here. */
    public Optional<Session> find(String owner, String sessionId) {
        return byOwner.getOrDefault(owner, List.of()).stream()
                .filter(session -> session.getId().equals(sessionId)).findFirst();
    }

    /** The open connections opened with the HTTP session {@code httpSessionId}. */
    List<Session> ofSession(String httpSessionId) {
        return byOwner.values().stream().flatMap(List::stream)
                .filter(session -> httpSessionId.equals(HttpSessions.idOf(session))).toList();
    }

    @Override
    public synchronized boolean awaitClosed(List<Session> closing, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (closing.stream().anyMatch(session -> registered(session) || session.isOpen())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(Level.FINE, "Not every closed chat connection finished its close within {0}", timeout);
                return false;
            }
            try {
                // a close callback wakes this up; a close over on the wire has no callback, so look again soon
                wait(Math.max(1, Math.min(CLOSE_CHECK_MS, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private boolean registered(Session session) {
        return byOwner.values().stream().anyMatch(sessions -> sessions.contains(session));
    }

    @Override
    public List<Session> closeAll(String owner, CloseReason reason) {
        return close(byOwner.getOrDefault(owner, List.of()), reason);
    }

    @Override
    public List<Session> closeSession(String httpSessionId, CloseReason reason) {
        return close(ofSession(httpSessionId), reason);
    }

    private static List<Session> close(List<Session> open, CloseReason reason) {
        for (Session session : open) {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Closing a chat connection (" + reason.getReasonPhrase() + ") failed");
            }
        }
        return open;
    }
}
