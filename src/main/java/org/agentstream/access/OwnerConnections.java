package org.agentstream.access;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Duration;
import java.util.List;
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
     * How long signing out and a session's end wait for the closes of its connections: clients answer in a round
     * trip; only one that vanished holds the caller's thread this long.
     */
    Duration CLOSES_WITHIN = Duration.ofSeconds(2);

    /**
     * Waits, at most {@code timeout}, until each of {@code closing} has been closed and its close is over on the wire;
     * true if that happened (false too when the thread is interrupted, which stays set). Signing out and a session's
     * end wait so before the session goes: a container may run a connection's close callback as soon as its close
     * frame is queued (Undertow does), and answers the session's end by closing its connections again, which can drop
     * that frame before it went out.
     */
    boolean awaitClosed(List<Session> closing, Duration timeout);

    /** Closes every open connection of the owner with {@code reason}; returns them. */
    List<Session> closeAll(String owner, CloseReason reason);

    /** Closes with {@code reason} every open connection opened with the HTTP session {@code httpSessionId}. */
    List<Session> closeSession(String httpSessionId, CloseReason reason);
}
