package org.agentstream.streaming;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Admits replies and runs them on the container's executors: sends on the {@link ManagedExecutorService}, pauses
 * as timers on the {@link ManagedScheduledExecutorService}. A request over the limits gets {@code busy} at once;
 * every admitted request ends exactly once.
 */
@ApplicationScoped
public class StreamingService {

    private static final Logger LOG = Logger.getLogger(StreamingService.class.getName());

    @Resource
    private ManagedExecutorService managedExecutor;

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    @Inject
    private StreamSettings settings;

    private Executor sendExecutor;
    private ScheduledExecutorService timer;

    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final Object idle = new Object();

    public StreamingService() {
        // for CDI: executors and settings are injected
    }

    /** Outside a container, as unit tests use it. */
    StreamingService(Executor sendExecutor, ScheduledExecutorService timer, StreamSettings settings) {
        this.sendExecutor = sendExecutor;
        this.timer = timer;
        this.settings = settings;
    }

    @PostConstruct
    void useContainerExecutors() {
        sendExecutor = managedExecutor;
        timer = managedScheduler;
    }

    /** The executor a connection's frames are sent on. */
    public Executor sendExecutor() {
        return sendExecutor;
    }

    /**
     * Starts a reply on a connection, or tells the client it is busy. {@code reply} is asked for the agent's
     * publisher only once the request is admitted.
     */
    public void start(ConnectionStreams connection, ReplySink sink, String replyTo, String agentName,
            Supplier<Flow.Publisher<String>> reply) {
        StreamSettings.Values values = settings.current();
        if (connection.size() >= values.maxStreamsPerConnection()) {
            busy.increment();
            sink.busy(replyTo, "this connection already streams " + values.maxStreamsPerConnection()
                    + " replies", Duration.ofSeconds(1));
            return;
        }
        if (active.incrementAndGet() > values.maxStreams()) {
            active.decrementAndGet();
            busy.increment();
            sink.busy(replyTo, "the server streams its maximum of " + values.maxStreams() + " replies",
                    Duration.ofSeconds(1));
            return;
        }
        started.increment();
        String messageId = UUID.randomUUID().toString();
        ReplyStream stream = new ReplyStream(messageId, replyTo, sink, timer, System::nanoTime,
                values.pause().toNanos(), values.bufferChunks(), (ended, ending) -> ended(connection, ended, ending));
        connection.add(stream);
        LOG.log(Level.FINE, "Stream {0} starts: agent {1}, reply to {2}", new Object[] {messageId, agentName, replyTo});
        sink.streamStarted(messageId, replyTo, agentName);
        stream.start(reply);
    }

    private void ended(ConnectionStreams connection, ReplyStream stream, ReplyStream.Ending ending) {
        connection.remove(stream);
        switch (ending) {
            case COMPLETE -> completed.increment();
            case CANCELLED -> cancelled.increment();
            case FAILED -> failed.increment();
            case DISCONNECTED -> disconnected.increment();
        }
        LOG.log(Level.FINE, "Stream {0} ended: {1}", new Object[] {stream.messageId(), ending});
        if (active.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    public StreamStats stats() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new StreamStats(active.get(), started.sum(), completed.sum(), cancelled.sum(), failed.sum(),
                disconnected.sum(), busy.sum(), threads.getThreadCount(), threads.getPeakThreadCount());
    }

    /** Waits until no reply streams, for at most {@code timeout}; true if that happened. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
