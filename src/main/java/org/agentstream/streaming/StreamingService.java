package org.agentstream.streaming;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.timing.StepTimer;
import org.agentstream.timing.WakeUpTimer;

/**
 * Admits replies and runs them on the container's {@link ManagedScheduledExecutorService}, through a
 * {@link WakeUpTimer}: each reply starts in a timed step, and its chunks are sent by the timer's wake-up tasks once
 * the pause has passed, so a waiting reply holds no thread. A request over the limits (or, when the admin set one,
 * while the timer lags too far behind its schedule) gets {@code busy} at once; every admitted request ends exactly
 * once. The same timer paces the built-in agents.
 */
@ApplicationScoped
public class StreamingService {

    private static final Logger LOG = Logger.getLogger(StreamingService.class.getName());

    @Inject
    private StreamSettings settings;

    @Inject
    private OwnerReplies byOwner;

    @Inject
    private ReplyScheduler scheduler;

    private StepTimer timer;
    private AdmissionRules rules;
    private LongSupplier nanoClock = System::nanoTime;
    private final OverdueReplies overdue = new OverdueReplies();
    /** Every reply a client may resume: from its admission until the resume window after its end. */
    private final Map<String, Admission> resumable = new ConcurrentHashMap<>();

    private final ActiveReplies active = new ActiveReplies();
    private final StreamCounters counters = new StreamCounters();

    public StreamingService() {
        // for CDI: executors and settings are injected
    }

    /** Outside a container, as unit tests use it, with the timer's own clock. */
    StreamingService(StepTimer timer, LongSupplier nanoClock, StreamSettings settings) {
        this.nanoClock = nanoClock;
        this.settings = settings;
        this.byOwner = new LocalOwnerReplies();
        this.scheduler = new ReplyScheduler(timer);
        assemble();
    }

    /** Replies stream on the scheduler's timer; the overload rule reads its lag when it measures one. */
    @PostConstruct
    void assemble() {
        timer = scheduler.timer();
        rules = new AdmissionRules(active, byOwner, scheduler.measuredTimer(), counters);
    }

    /**
     * Admits a reply on a connection, or tells the client it is busy at once. An admitted reply holds its place (and
     * counts against the limits) until it is {@linkplain Admission#start started} or {@linkplain Admission#giveBack
     * given back}, so work that must come first (reading the conversation) cannot overfill the server.
     */
    public Optional<Admission> admit(ConnectionStreams connection, ReplySink sink, String replyTo) {
        StreamSettings.Values values = settings.current();
        if (!rules.tryTake(connection, sink, replyTo, values)) {
            return Optional.empty();
        }
        Admission admission = new Admission(connection, sink, replyTo, values);
        connection.add(admission.stream);
        if (!values.resumeWindow().isZero()) {
            resumable.put(admission.messageId(), admission);
        }
        if (!values.maxReply().isZero()) {
            overdue.watch(admission.stream, System.nanoTime() + values.maxReply().toNanos());
            scheduler.sweepEverySecond(() -> endOverdue(System.nanoTime()));
        }
        return Optional.of(admission);
    }

    /** Admits and starts a reply with nothing in between, or tells the client it is busy. */
    public void start(ConnectionStreams connection, ReplySink sink, String replyTo, String agentName,
            String conversationId, Supplier<Flow.Publisher<String>> reply) {
        admit(connection, sink, replyTo).ifPresent(admission -> admission.start(agentName, conversationId, reply, null));
    }

    /** What became of a {@code resume}. */
    public enum Resume {
        /** The client gets what it missed, then the rest. */
        RESUMED,
        /** The reply already streams on this connection; nothing is sent again. */
        ALREADY_HERE,
        /** No such reply is held for its owner (it never was, it is another owner's, or its window is over). */
        UNKNOWN
    }

    /**
     * A client of the same owner resumes, on {@code connection}, a reply that it had every chunk of up to
     * {@code afterSeq}: the reply moves to this connection (from the lost one, or from one the server still thinks
     * open), and it is sent the rest.
     */
    public Resume resume(ConnectionStreams connection, ReplySink sink, String messageId, int afterSeq) {
        Admission admission = messageId == null ? null : resumable.get(messageId);
        if (admission == null || connection.owner() == null || !connection.owner().equals(admission.owner)) {
            return Resume.UNKNOWN;
        }
        Resume result = admission.resume(connection, sink, afterSeq);
        if (result == Resume.RESUMED) {
            counters.resumed();
            LOG.log(Level.FINE, "Stream {0} resumed after seq {1}", new Object[] {messageId, afterSeq});
        }
        return result;
    }

    /** A reply that was admitted and is not started yet; it is started or given back once. */
    public final class Admission {
        private final String owner;
        private final ReplySink sink;
        private final String replyTo;
        private final ReplyStream stream;
        private final Duration resumeWindow;
        private final AtomicBoolean settled = new AtomicBoolean();
        /** The connection the reply streams on, or null once it ended; guarded by this. */
        private ConnectionStreams holder;
        private boolean released;
        /** Taken once, by whichever hears the end first: the stream's end, or a start after the client left. */
        private final AtomicReference<Consumer<EndedReply>> recorder = new AtomicReference<>();

        private Admission(ConnectionStreams connection, ReplySink sink, String replyTo, StreamSettings.Values values) {
            this.owner = connection.owner();
            this.holder = connection;
            this.sink = sink;
            this.replyTo = replyTo;
            this.resumeWindow = values.resumeWindow();
            this.stream = new ReplyStream(UUID.randomUUID().toString(), replyTo, sink, timer, nanoClock,
                    values.pause().toNanos(), values.bufferChunks(), values.resumption(),
                    (ended, status) -> ended(status));
        }

        public String messageId() {
            return stream.messageId();
        }

        /**
         * Starts the agent's reply. {@code reply} is asked for the agent's publisher on the streaming core's
         * executor. {@code recorder}, if given, hears once how the reply ended and exactly what was sent of it (a
         * reply whose client left while it was being prepared ends interrupted with nothing sent).
         */
        public void start(String agentName, String conversationId, Supplier<Flow.Publisher<String>> reply,
                Consumer<EndedReply> recorder) {
            if (!settled.compareAndSet(false, true)) {
                throw new IllegalStateException("a reply is started or given back once");
            }
            if (recorder != null) {
                this.recorder.set(recorder);
            }
            if (stream.hasEnded()) {
                record(StreamStatus.INTERRUPTED);
                return;
            }
            String messageId = stream.messageId();
            try {
                timer.newTimeout(() -> {
                    sink.streamStarted(messageId, replyTo, agentName, conversationId);
                    stream.start(reply);
                }, 0);
            } catch (RejectedExecutionException rejected) {
                this.recorder.set(null);
                release();
                resumable.remove(messageId, this);
                rules.refuse(sink, replyTo, "the server's executor takes no more work");
                return;
            }
            counters.started();
            LOG.log(Level.FINE, "Stream {0} starts: agent {1}, reply to {2}",
                    new Object[] {messageId, agentName, replyTo});
        }

        /** The reply will not start after all: its place is free again, and the client was told why by the caller. */
        public void giveBack() {
            if (settled.compareAndSet(false, true)) {
                release();
                resumable.remove(messageId(), this);
            }
        }

        /**
         * Moves the reply to {@code connection}: its holder and the stream's client change together, under this
         * monitor (the stream's own lock is taken inside it, never the other way round), so two resumes at once
         * leave it on one connection; what the client missed is sent after.
         */
        private Resume resume(ConnectionStreams connection, ReplySink to, int afterSeq) {
            synchronized (this) {
                if (holder == connection || stream.attach(to, afterSeq) == ReplyStream.Resumed.ALREADY_HERE) {
                    return Resume.ALREADY_HERE;
                }
                if (holder != null) {
                    holder.remove(stream);
                }
                holder = released ? null : connection;
                if (holder != null) {
                    holder.add(stream);
                }
            }
            stream.sendOn();
            return Resume.RESUMED;
        }

        private void ended(StreamStatus status) {
            counters.ended(status);
            LOG.log(Level.FINE, "Stream {0} ended: {1}", new Object[] {stream.messageId(), status});
            release();
            record(status);
            forgetAfterWindow();
        }

        private void record(StreamStatus status) {
            Consumer<EndedReply> listener = recorder.getAndSet(null);
            if (listener != null) {
                listener.accept(stream.ending(status));
            }
        }

        private void release() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                if (holder != null) {
                    holder.remove(stream);
                    holder = null;
                }
            }
            overdue.forget(stream);
            rules.release(owner);
        }

        /**
         * An ended reply can still be resumed from its log for the resume window (its client may have lost its end on
         * the way), and from the stored reply after that.
         */
        private void forgetAfterWindow() {
            if (resumeWindow.isZero()) {
                return;
            }
            try {
                timer.newTimeout(() -> resumable.remove(messageId(), this), resumeWindow.toNanos());
            } catch (RejectedExecutionException rejected) {
                resumable.remove(messageId(), this);
            }
        }
    }

    /** Ends every reply that has run past its bound, whether or not its agent listens. */
    void endOverdue(long now) {
        overdue.endOverdue(now);
    }

    /** Whether a reply is held for resuming now: streaming, or ended with no client less than its window ago. */
    public boolean holdsForResume(String messageId) {
        return resumable.containsKey(messageId);
    }

    /** Ends every reply held for resuming as interrupted, with what it made (the application is stopping). */
    void interruptAll() {
        int ended = 0;
        for (Admission admission : List.copyOf(resumable.values())) {
            if (!admission.stream.hasEnded()) {
                admission.stream.disconnect(null);
                ended++;
            }
        }
        LOG.log(Level.INFO, "The application stops: {0} replies held for resuming end as interrupted", ended);
    }

    /** How far the streaming timer runs behind its schedule now. */
    public long timerLagNanos() {
        return scheduler.lagNanos();
    }

    /** The JNDI name of the executor replies stream on, or "default" for the server's default one. */
    public String executorName() {
        return scheduler.executorName();
    }

    public StreamStats stats() {
        return counters.stats(active.count(), resumable.size());
    }

    /** The replies streaming now, which {@code /status} can wait on. */
    ActiveReplies activeReplies() {
        return active;
    }
}
