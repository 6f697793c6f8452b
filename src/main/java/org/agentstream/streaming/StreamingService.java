package org.agentstream.streaming;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.timing.StepTimer;
import org.agentstream.timing.WakeUpTimer;

/**
 * The streaming core's entry points: admits replies under the {@link AdmissionRules}, resumes them through the
 * {@link ReplyDirectory}, and reports its counters. Replies run on the container's
 * {@link ManagedScheduledExecutorService} through a {@link WakeUpTimer} (see {@link ReplyScheduler}), so a waiting
 * reply holds no thread; every admitted request ends exactly once.
 */
@ApplicationScoped
public class StreamingService {

    private static final Logger LOG = Logger.getLogger(StreamingService.class.getName());

    @Inject
    private StreamSettings settings;

    @Inject
    private ReplyScheduler scheduler;

    @Inject
    private OwnerReplies owners;

    @Inject
    private ReplyDirectory directory;

    @Inject
    private ReplyObserver.Factory observers;

    private LongSupplier nanoClock = System::nanoTime;
    private final ActiveReplies active = new ActiveReplies();
    private final StreamCounters counters = new StreamCounters();
    private final OverdueReplies overdue = new OverdueReplies();
    /** Built once the scheduler's timer is known. */
    private StreamingCore core;

    public StreamingService() {
        // for CDI: the scheduler, settings and seams are injected
    }

    /** Outside a container, as unit tests use it, with the timer's own clock and this node's seams. */
    public StreamingService(StepTimer timer, LongSupplier nanoClock, StreamSettings settings) {
        this(timer, nanoClock, settings, new LocalReplyDirectory(timer));
    }

    /** Outside a container, with the timer's own clock and {@code directory} to resume replies through. */
    public StreamingService(StepTimer timer, LongSupplier nanoClock, StreamSettings settings,
            ReplyDirectory directory) {
        this(timer, nanoClock, settings, directory, ReplyObserver.Factory.NONE);
    }

    /** Outside a container, with {@code observers} timing each reply. */
    public StreamingService(StepTimer timer, LongSupplier nanoClock, StreamSettings settings,
            ReplyDirectory directory, ReplyObserver.Factory observers) {
        this.nanoClock = nanoClock;
        this.settings = settings;
        this.scheduler = new ReplyScheduler(timer);
        this.owners = new LocalOwnerReplies();
        this.directory = directory;
        this.observers = observers;
        assemble();
    }

    /** Replies stream on the scheduler's timer; the overload rule reads its lag when it measures one. */
    @PostConstruct
    void assemble() {
        AdmissionRules rules = new AdmissionRules(active, owners, scheduler.measuredTimer(), counters);
        core = new StreamingCore(scheduler.timer(), nanoClock, rules, overdue, directory, counters, observers);
    }

    /**
     * Admits a reply on a connection, or tells the client it is busy at once. An admitted reply holds its place (and
     * counts against the limits) until it is {@linkplain Admission#start started} or {@linkplain Admission#giveBack
     * given back}, so work that must come first (reading the conversation) cannot overfill the server.
     */
    public Optional<Admission> admit(ConnectionStreams connection, ReplySink sink, String replyTo) {
        StreamSettings.Values values = settings.current();
        if (!core.rules().tryTake(connection, sink, replyTo, values)) {
            return Optional.empty();
        }
        Admission admission = new Admission(connection, sink, replyTo, values, core);
        if (!values.resumeWindow().isZero()) {
            directory.register(admission);
        }
        if (!values.maxReply().isZero()) {
            overdue.watch(admission.stream(), System.nanoTime() + values.maxReply().toNanos());
            scheduler.sweepEverySecond(() -> endOverdue(System.nanoTime()));
        }
        return Optional.of(admission);
    }

    /** Admits and starts a reply with nothing in between, or tells the client it is busy. */
    public void start(ConnectionStreams connection, ReplySink sink, String replyTo, String agentName,
            String conversationId, Supplier<Flow.Publisher<?>> reply) {
        admit(connection, sink, replyTo)
                .ifPresent(admission -> admission.start(agentName, conversationId, reply, null));
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
        Resume result = directory.handOver(messageId, connection, sink, afterSeq);
        if (result == Resume.RESUMED) {
            counters.resumed();
            LOG.log(Level.FINE, "Stream {0} resumed after seq {1}", new Object[] {messageId, afterSeq});
        }
        return result;
    }

    /** Ends every reply that has run past its bound, whether or not its agent listens. */
    void endOverdue(long now) {
        overdue.endOverdue(now);
    }

    /** Whether a reply is held for resuming now: streaming, or ended with no client less than its window ago. */
    public boolean holdsForResume(String messageId) {
        return directory.holds(messageId);
    }

    /** Ends every reply held for resuming as interrupted, with what it made (the application is stopping). */
    void interruptAll() {
        int ended = directory.interruptAll();
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
        return counters.stats(active.count(), directory.size());
    }

    /** The replies streaming now, which {@code /status} can wait on. */
    ActiveReplies activeReplies() {
        return active;
    }
}
