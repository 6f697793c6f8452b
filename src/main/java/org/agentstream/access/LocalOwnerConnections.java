package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
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
 * chat. Signing out closes the ones open here.
 */
@ApplicationScoped
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

    @Override
    public synchronized boolean awaitClosed(String owner, List<Session> closing, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(owner) > 0 || closing.stream().anyMatch(Session::isOpen)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // a close callback wakes this up; a close on the wire has no callback, so look again soon
            wait(Math.max(1, Math.min(CLOSE_CHECK_MS, left / 1_000_000)));
        }
        return true;
    }

    @Override
    public List<Session> closeAll(String owner, CloseReason reason) {
        List<Session> open = byOwner.getOrDefault(owner, List.of());
        for (Session session : open) {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Closing a connection of a signed-out owner failed", e);
            }
        }
        return open;
    }
}
