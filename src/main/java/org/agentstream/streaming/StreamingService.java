package org.agentstream.streaming;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Admits replies and runs them on the container's {@link ManagedScheduledExecutorService}, through a {@link Pacer}:
 * each reply starts in a managed task, and its chunks are sent by the pacer's periodic managed tasks once the pause
 * has passed, so a waiting reply holds no thread. A request over the limits gets {@code busy} at once; every
 * admitted request ends exactly once.
 */
@ApplicationScoped
public class StreamingService {

    private static final Logger LOG = Logger.getLogger(StreamingService.class.getName());

    /** Where server-config/ binds the application's executor: WildFly's name, then Payara's. */
    static final List<String> DEDICATED_EXECUTOR_NAMES =
            List.of("java:jboss/ee/concurrency/scheduler/agentstream", "concurrent/agentstream-scheduler");

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    @Inject
    private StreamSettings settings;

    private ScheduledExecutorService timer;
    private ManagedScheduledExecutorService managed;
    private volatile ScheduledFuture<?> overdueSweep;
    private String executorName = "default";
    /** Every admitted reply with the {@link System#nanoTime()} by which it must have ended (if it has a bound). */
    private final Map<ReplyStream, Long> deadlines = new ConcurrentHashMap<>();

    private final ActiveReplies active = new ActiveReplies();
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder busy = new LongAdder();

    public StreamingService() {
        // for CDI: executors and settings are injected
    }

    /** Outside a container, as unit tests use it. */
    StreamingService(ScheduledExecutorService timer, StreamSettings settings) {
        this.timer = timer;
        this.settings = settings;
    }

    /**
     * Uses the application's own executor when the admin created one (looked up by JNDI name, see
     * {@link #DEDICATED_EXECUTOR_NAMES}), else the server's default one, and says which once.
     */
    @PostConstruct
    void chooseScheduler() {
        List<String> names = settings.executorJndiName().map(List::of).orElse(DEDICATED_EXECUTOR_NAMES);
        for (String name : names) {
            try {
                managed = (ManagedScheduledExecutorService) new InitialContext().lookup(name);
                timer = pacer(managed);
                LOG.log(Level.INFO, "Replies stream on the managed scheduled executor {0}", name);
                executorName = name;
                return;
            } catch (NamingException | ClassCastException notThere) {
                LOG.log(Level.FINE, "No executor at " + name, notThere);
            }
        }
        managed = managedScheduler;
        timer = pacer(managed);
        executorName = "default";
        LOG.log(Level.INFO, "No dedicated executor at {0}; replies stream on the server''s default managed scheduled "
                + "executor (server-config/ creates a dedicated one)", names);
    }

    /**
     * Starts a reply on a connection, or tells the client it is busy. {@code reply} is asked for the agent's
     * publisher only once the request is admitted.
     */
    public void start(ConnectionStreams connection, ReplySink sink, String replyTo, String agentName,
            Supplier<Flow.Publisher<String>> reply) {
        StreamSettings.Values values = settings.current();
        if (connection.size() >= values.maxStreamsPerConnection()) {
            refuse(sink, replyTo, "this connection already streams " + values.maxStreamsPerConnection() + " replies");
            return;
        }
        if (!active.tryTake(values.maxStreams())) {
            refuse(sink, replyTo, "the server streams its maximum of " + values.maxStreams() + " replies");
            return;
        }
        String messageId = UUID.randomUUID().toString();
        ReplyStream stream = new ReplyStream(messageId, replyTo, sink, timer, System::nanoTime,
                values.pause().toNanos(), values.bufferChunks(), (ended, ending) -> ended(connection, ended, ending));
        connection.add(stream);
        if (!values.maxReply().isZero()) {
            deadlines.put(stream, System.nanoTime() + values.maxReply().toNanos());
            sweepOverdueReplies();
        }
        try {
            timer.execute(() -> {
                sink.streamStarted(messageId, replyTo, agentName);
                stream.start(reply);
            });
        } catch (RejectedExecutionException rejected) {
            connection.remove(stream);
            deadlines.remove(stream);
            active.release();
            refuse(sink, replyTo, "the server's executor takes no more work");
            return;
        }
        started.increment();
        LOG.log(Level.FINE, "Stream {0} starts: agent {1}, reply to {2}", new Object[] {messageId, agentName, replyTo});
    }

    /** Answers busy, with a retry hint, to a request that was not taken. */
    private void refuse(ReplySink sink, String replyTo, String reason) {
        busy.increment();
        sink.busy(replyTo, reason, Duration.ofSeconds(1));
    }

    /** Once a second, on the container's executor, while the application runs (not in unit tests). */
    private void sweepOverdueReplies() {
        if (overdueSweep != null || managed == null) {
            return;
        }
        synchronized (this) {
            if (overdueSweep != null) {
                return;
            }
            overdueSweep = managed.scheduleAtFixedRate(() -> endOverdue(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Ends every reply that has run past its bound, whether or not its agent listens. */
    void endOverdue(long now) {
        deadlines.forEach((stream, deadline) -> {
            if (now - deadline >= 0) {
                stream.expire("the reply ran longer than the server allows any reply (agentstream.stream.max-reply-ms)");
            }
        });
    }

    @PreDestroy
    synchronized void stop() {
        if (overdueSweep != null) {
            overdueSweep.cancel(false);
        }
    }

    private void ended(ConnectionStreams connection, ReplyStream stream, StreamStatus ending) {
        connection.remove(stream);
        deadlines.remove(stream);
        switch (ending) {
            case COMPLETE -> completed.increment();
            case CANCELLED -> cancelled.increment();
            case FAILED -> failed.increment();
            case INTERRUPTED -> disconnected.increment();
        }
        LOG.log(Level.FINE, "Stream {0} ended: {1}", new Object[] {stream.messageId(), ending});
        active.release();
    }

    private Pacer pacer(ManagedScheduledExecutorService executor) {
        return new Pacer(executor, settings.executorLanes(), TimeUnit.MILLISECONDS.toNanos(1), System::nanoTime);
    }

    /** The JNDI name of the executor replies stream on, or "default" for the server's default one. */
    public String executorName() {
        return executorName;
    }

    public StreamStats stats() {
        return new StreamStats(active.count(), started.sum(), completed.sum(), cancelled.sum(), failed.sum(),
                disconnected.sum(), busy.sum());
    }

    /** The replies streaming now, which {@code /status} can wait on. */
    ActiveReplies activeReplies() {
        return active;
    }
}
