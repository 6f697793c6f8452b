package org.agentstream.access;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import jakarta.websocket.Session;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When an HTTP session ends (it timed out or was invalidated), closes every chat connection opened with it
 * ({@link HttpSessions}) with 1008 {@code signed_out}, as signing out does, so no connection goes on as a user whose
 * sign-in is over. Payara's WebSocket layer (Tyrus) closes only the newest connection of a session itself.
 *
 * <p>The session listener is added when the application starts rather than declared: containers tell session
 * listeners of a session's end in the reverse order of their registration, and Tyrus registers its own in a
 * {@code ServletContainerInitializer}, which runs before this, so ours is told first and its close frames are the
 * ones the clients get. WildFly's WebSocket layer (Undertow) registers its listener later still, from a start-up
 * listener of its own, and closes every connection of the session itself (1008, no reason phrase), often before ours;
 * no portable registration comes after it.
 */
@WebListener
public class SessionEndListener implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(SessionEndListener.class.getName());

    @Inject
    private OwnerConnections connections;

    @Inject
    private EndedSessions endedSessions;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().addListener(new SessionEnds(connections, endedSessions));
    }

    /** The session listener itself, added at start-up (see the class comment). */
    private record SessionEnds(OwnerConnections connections, EndedSessions endedSessions)
            implements HttpSessionListener {

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            String id = event.getSession().getId();
            endedSessions.ended(id); // before the closes: a client that reconnects at once meets it on any node
            List<Session> closed = connections.closeSession(id, CloseReasons.SIGNED_OUT);
            if (closed.isEmpty()) {
                return;
            }
            // so that the container's own close that follows (Tyrus drops the newest connection) cannot cut ours off
            connections.awaitClosed(closed, OwnerConnections.CLOSES_WITHIN);
            LOG.log(Level.INFO, "An HTTP session ended; {0} chat connections opened with it closed", closed.size());
        }
    }
}
