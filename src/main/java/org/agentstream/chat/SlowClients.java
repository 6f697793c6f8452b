package org.agentstream.chat;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.metrics.ChatMeters;

/**
 * The open chat connections, watched for clients that stopped reading. A send to such a client blocks once the
 * network buffers are full; after {@link ChatSettings#sendTimeoutMs()} the connection is closed (close code 1013,
 * "try again later"), which fails the blocked send, frees its thread and ends the client's replies.
 */
@ApplicationScoped
public class SlowClients {

    private static final Logger LOG = Logger.getLogger(SlowClients.class.getName());

    @Resource
    private ManagedScheduledExecutorService scheduler;

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private ChatSettings settings;

    @Inject
    private ChatMeters meters;

    private final Map<Session, SessionOutbox> open = new ConcurrentHashMap<>();
    private ScheduledFuture<?> watch;

    /** Made when the application starts, so that its gauge is there before the first connection. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.log(Level.FINE, "{0} chat connections open", open.size());
    }

    @PostConstruct
    void countConnections() {
        meters.gauge("agentstream.connections", "Chat connections open on this node", open::size);
    }

    void opened(Session session, SessionOutbox outbox) {
        open.put(session, outbox);
        synchronized (this) {
            if (watch == null) {
                watch = scheduler.scheduleAtFixedRate(this::closeBlocked, 1, 1, TimeUnit.SECONDS);
            }
        }
    }

    void closed(Session session) {
        open.remove(session);
    }

    private void closeBlocked() {
        long limit = TimeUnit.MILLISECONDS.toNanos(settings.sendTimeoutMs());
        long now = System.nanoTime();
        open.forEach((session, outbox) -> {
            if (outbox.blockedNanos(now) > limit && open.remove(session, outbox)) {
                LOG.log(Level.INFO, "Closing chat connection {0}: the client has read nothing for {1} ms",
                        new Object[] {session.getId(), TimeUnit.NANOSECONDS.toMillis(outbox.blockedNanos(now))});
                outbox.close();
                // closing may itself wait on the network: never on the watch's thread
                executor.execute(() -> close(session));
            }
        });
    }

    private static void close(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow to read"));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a slow client failed", e);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (watch != null) {
            watch.cancel(false);
        }
    }
}
