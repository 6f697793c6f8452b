package org.agentstream.access;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Duration;
import java.util.Optional;

/**
 * The open chat connections of each owner (a signed-in user, or an anonymous owner key): at most a set number
 * each (a new one past it closes the oldest), all of a user's closed at once when they sign out, and all those
 * opened with an HTTP session ({@link HttpSessions}) when that session ends. {@link LocalOwnerConnections} holds
 * this node's.
 */
public interface OwnerConnections {

    /**
     * Counts the connection in for its owner. An owner with {@code max} open already loses the oldest of them
     * (returned, for the caller to close): a connection whose client vanished without a close (a laptop asleep, a
     * phone off the network) stays open on the server, and refusing new ones would lock the owner out for good.
     */
    Optional<Session> open(String owner, Session session, int max);

    /** The connection closed, however it ended. */
    void closed(String owner, Session session);

    /**
     * Waits, at most {@code timeout}, until the owner has no connection open; true if that happened. Signing out
     * waits so before it ends the HTTP session, which some containers answer by dropping the session's
     * connections at once, before the close frames went out.
     */
    boolean awaitNone(String owner, Duration timeout) throws InterruptedException;

    /** Closes every open connection of the owner with {@code reason}; returns how many there were. */
    int closeAll(String owner, CloseReason reason);

    /**
     * Closes every open connection opened with the HTTP session {@code httpSessionId} with {@code reason}; returns
     * how many there were.
     */
    int closeSession(String httpSessionId, CloseReason reason);

    /** Waits, at most {@code timeout}, until no connection opened with the HTTP session is open; true if so. */
    boolean awaitNoneOfSession(String httpSessionId, Duration timeout) throws InterruptedException;
}
