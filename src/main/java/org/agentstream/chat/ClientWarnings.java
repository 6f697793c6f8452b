package org.agentstream.chat;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs clients that misbehave (bad frames, a failure while handling their frames) so that a flood of bad input
 * cannot flood the server log: one WARNING per connection, at most {@link #PER_MINUTE} a minute for the whole
 * server, the rest at FINE.
 */
@ApplicationScoped
public class ClientWarnings {

    private static final Logger LOG = Logger.getLogger(ClientWarnings.class.getName());
    static final int PER_MINUTE = 10;
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;

    /**
     * @param firstOnConnection whether this connection was warned about before (only its first problem can be a
     *        WARNING)
     */
    void misbehaved(String connectionId, boolean firstOnConnection, String what, Throwable failure) {
        long suppressedBefore = firstOnConnection ? takeWarning() : -1;
        if (suppressedBefore < 0) {
            LOG.log(Level.FINE, "Chat connection " + connectionId + ": " + what, failure);
            return;
        }
        String more = suppressedBefore == 0 ? ""
                : " (" + suppressedBefore + " more problems went to FINE since the last warning)";
        LOG.log(Level.WARNING, "Chat connection " + connectionId + ": " + what
                + "; its further problems are logged at FINE" + more, failure);
    }

    /** A warning from the budget: how many were suppressed before it, or -1 when the budget is spent. */
    private synchronized long takeWarning() {
        long now = System.nanoTime();
        if (now - windowStart >= MINUTE) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= PER_MINUTE) {
            suppressed++;
            return -1;
        }
        inWindow++;
        long before = suppressed;
        suppressed = 0;
        return before;
    }
}
