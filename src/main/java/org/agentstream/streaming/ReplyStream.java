package org.agentstream.streaming;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.timing.DrainLoop;
import org.agentstream.timing.StepTimer;

/**
 * One reply on its way to a client: takes chunks from the agent into a small bounded buffer and hands them to the
 * sink one at a time, each at least {@code pause} after the previous one was sent. Waiting is a timer on the
 * scheduler, never a sleeping thread, so thousands of paced replies cost no thread each. Every chunk is kept in the
 * reply's {@link ReplyLog}, so when the connection drops the reply can go on without a client for the resume
 * window, and a client that resumes it gets what it missed, then the rest. Every reply ends exactly once: complete,
 * cancelled, failed, or interrupted when its client is gone for good.
 */
public final class ReplyStream implements Flow.Subscriber<String> {

    private static final Logger LOG = Logger.getLogger(ReplyStream.class.getName());

    /**
     * How a reply outlives its connection: for {@code windowNanos} (0: it ends as interrupted when the connection
     * drops), making at most {@code maxDetachedChunks} chunks while no client is attached (then its agent waits).
     */
    public record Resumption(long windowNanos, int maxDetachedChunks) {
        public static final Resumption NONE = new Resumption(0, 0);
    }

    /** What a {@code resume} did. */
    public enum Resumed { RESUMED, ALREADY_HERE }

    /** One client's hold on the reply; what it hears after another client took the reply over is ignored. */
    private final class Attachment implements ReplySink.Delivery {
        private final ReplySink sink;
        /** The chunk handed to this client and not yet reported written, or -1; guarded by the stream's lock. */
        private int inFlightSeq = -1;
        /** When that chunk was handed over. */
        private long inFlightAt;

        Attachment(ReplySink sink) {
            this.sink = sink;
        }

        @Override
        public void delivered(long sentNanos) {
            ReplyStream.this.delivered(this, sentNanos);
        }

        @Override
        public void undeliverable() {
            ReplyStream.this.undeliverable(this);
        }
    }

    private final String messageId;
    private final String replyTo;
    private final StepTimer timer;
    private final LongSupplier nanoClock;
    private final int bufferSize;
    private final Pace pace;
    private final ResumeWindow window;
    private final BiConsumer<ReplyStream, StreamStatus> onEnd;

    private final Object lock = new Object();
    private final DrainLoop steps = new DrainLoop();
    private final Runnable writingStep = () -> step(true);
    private final Runnable waitingStep = () -> step(false);
    private final Runnable timerStep = this::onTimer;
    private final Runnable writeSoon = () -> advance(true);
    private final ArrayDeque<String> buffer = new ArrayDeque<>();
    private final ReplyLog log;
    private Flow.Subscription subscription;
    private StepTimer.Timeout pendingStep;
    /** The client the reply goes to, or null while its connection is lost. */
    private Attachment attached;
    private ReplyPhase phase = ReplyPhase.NEW;
    /** Why the agent stopped or the reply was stopped, once it did; null while it makes chunks, or if it completed. */
    private Throwable failure;
    private boolean inFlight;
    private StreamStatus endStatus;
    private ReplyFailure endReason;
    /** The first seq to send again to the attached client, or -1. */
    private int replayFrom = -1;
    private boolean replayEnd;
    /** The client the reply was taken from by a resume elsewhere, to be told so by the next step. */
    private Attachment movedFrom;
    /** Chunks in flight to clients that lost the reply never report their delivery: their demand is owed. */
    private int owedDemand;
    /** The end of the window a resume closed, to be cancelled by its {@link #sendOn()}. */
    private StepTimer.Timeout staleWindow;

    /** A reply whose chunks are logged in this node's memory. */
    public ReplyStream(String messageId, String replyTo, ReplySink sink, StepTimer timer, LongSupplier nanoClock,
            long pauseNanos, int bufferSize, Resumption resumption, BiConsumer<ReplyStream, StreamStatus> onEnd) {
        this(messageId, replyTo, sink, timer, nanoClock, pauseNanos, bufferSize, resumption, new LocalReplyLog(),
                onEnd);
    }

    /** A reply whose chunks are logged in {@code log}, which is empty and this reply's alone. */
    public ReplyStream(String messageId, String replyTo, ReplySink sink, StepTimer timer, LongSupplier nanoClock,
            long pauseNanos, int bufferSize, Resumption resumption, ReplyLog log,
            BiConsumer<ReplyStream, StreamStatus> onEnd) {
        this.messageId = messageId;
        this.log = log;
        this.replyTo = replyTo;
        this.attached = new Attachment(sink);
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.pace = new Pace(pauseNanos);
        this.bufferSize = Math.max(1, bufferSize);
        this.window = new ResumeWindow(timer, resumption);
        this.onEnd = onEnd;
    }

    public String messageId() {
        return messageId;
    }

    /** Everything the reply produced: the text, each chunk's end in it and its send time (once it has ended). */
    EndedReply ending(StreamStatus status) {
        synchronized (lock) {
            return EndedReply.of(messageId, status, log.readAfter(-1));
        }
    }

    boolean hasEnded() {
        synchronized (lock) {
            return phase == ReplyPhase.ENDED;
        }
    }

    /** Asks the agent for its reply and subscribes; an agent that throws here fails like one that fails later. */
    public void start(Supplier<Flow.Publisher<String>> reply) {
        synchronized (lock) {
            if (phase == ReplyPhase.NEW) {
                phase = phase.to(ReplyPhase.STREAMING);
            }
        }
        try {
            reply.get().subscribe(this);
        } catch (RuntimeException agentFailure) {
            onError(agentFailure);
        }
    }

    /** The client asked to stop: the agent is told to stop and the reply ends as cancelled. */
    public void cancel() {
        synchronized (lock) {
            if (phase != ReplyPhase.ENDED && phase != ReplyPhase.CANCELLING) {
                phase = phase.to(ReplyPhase.CANCELLING);
            }
        }
        advance(false);
    }

    /**
     * The reply ran longer than the server allows: the agent is told to stop (it may not listen) and the reply ends
     * as failed with a {@link AgentFailure.Kind#REPLY_TIMEOUT}, which frees its place whatever the agent does.
     */
    public void expire(String why) {
        synchronized (lock) {
            if (phase == ReplyPhase.ENDED || phase == ReplyPhase.CANCELLING) {
                return; // a cancelled reply ends cancelled
            }
            failure = new AgentFailure(AgentFailure.Kind.REPLY_TIMEOUT, why);
            if (phase != ReplyPhase.EXPIRING) {
                phase = phase.to(ReplyPhase.EXPIRING);
            }
        }
        advance(false);
    }

    /**
     * The client on {@code from} is done with the reply (it closed its connection normally): stop at once, send
     * nothing more. Nothing happens if the reply has moved to another connection meanwhile; {@code null} stops it
     * wherever it is (the application is stopping).
     */
    public void disconnect(ReplySink from) {
        synchronized (lock) {
            if (phase == ReplyPhase.ENDED || !(from == null || (attached != null ? attached.sink == from : window.isLostOn(from)))) {
                return;
            }
            dropInFlight();
            endAs(StreamStatus.INTERRUPTED);
        }
        interrupted();
    }

    /**
     * The connection on {@code from} is lost: with a resume window the reply goes on without a client, its chunks
     * only logged, until a client {@linkplain #resume resumes} it or the window ends; without one it ends at once.
     * Nothing happens if the reply has moved to another connection meanwhile.
     */
    public void detach(ReplySink from) {
        lost(null, from);
    }

    /** Detaches the reply from {@code expected} (or, when null, from the attachment on {@code from}). */
    private void lost(Attachment expected, ReplySink from) {
        boolean owed = false;
        boolean endNow = false;
        synchronized (lock) {
            if (phase == ReplyPhase.ENDED || attached == null || (expected != null ? attached != expected : attached.sink != from)) {
                return;
            }
            // a reply whose client never heard of it cannot be resumed
            if (phase != ReplyPhase.NEW && window.allowed() && openWindow()) {
                if (inFlight) {
                    // its send may never complete; a client that resumes gets it from the log
                    inFlight = false;
                    owed = true;
                    pace.sent(attached.inFlightAt);
                }
                attached = null;
            } else {
                dropInFlight();
                endAs(StreamStatus.INTERRUPTED);
                endNow = true;
            }
        }
        if (endNow) {
            interrupted();
            return;
        }
        if (owed) {
            request(1);
        }
        advance(false);
    }

    /**
     * A client resumes the reply on {@code sink}, having every chunk up to {@code afterSeq}: it is sent the rest of
     * the log (as replayed), then the live chunks, then the end. A client that held it before hears that it moved.
     */
    public Resumed resume(ReplySink sink, int afterSeq) {
        Resumed resumed = attach(sink, afterSeq);
        if (resumed == Resumed.RESUMED) {
            sendOn();
        }
        return resumed;
    }

    /**
     * The first half of {@link #resume}: the reply belongs to {@code sink} from now on; only this lock is taken, so
     * a caller may hold its own while it moves the reply. {@link #sendOn()} must follow.
     */
    Resumed attach(ReplySink sink, int afterSeq) {
        synchronized (lock) {
            boolean ended = phase == ReplyPhase.ENDED;
            if (attached != null && attached.sink == sink && !ended) {
                return Resumed.ALREADY_HERE;
            }
            if (!ended && attached != null) {
                movedFrom = attached; // told from a step, after anything already taken for it
            }
            if (inFlight) {
                inFlight = false;
                owedDemand++;
            }
            attached = new Attachment(sink);
            replayFrom = Math.max(0, afterSeq + 1);
            replayEnd = ended;
            StepTimer.Timeout closed = window.close();
            if (closed != null) {
                staleWindow = closed;
            }
            return Resumed.RESUMED;
        }
    }

    /** The second half of {@link #resume}: sends what the new client missed, then goes on. */
    void sendOn() {
        StepTimer.Timeout window;
        int owed;
        synchronized (lock) {
            window = staleWindow;
            staleWindow = null;
            owed = owedDemand;
            owedDemand = 0;
        }
        if (window != null) {
            window.cancel();
        }
        if (owed > 0) {
            request(owed);
        }
        advance(true);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean alreadyEnded;
        synchronized (lock) {
            this.subscription = subscription;
            alreadyEnded = phase == ReplyPhase.ENDED;
        }
        if (alreadyEnded) {
            subscription.cancel();
        } else {
            subscription.request(bufferSize);
        }
    }

    @Override
    public void onNext(String chunk) {
        synchronized (lock) {
            if (phase != ReplyPhase.STREAMING) {
                return; // what the agent makes after it finished, failed or was stopped is not sent
            }
            if (buffer.size() >= bufferSize) {
                agentDone(new IllegalStateException("the agent produced more chunks than were requested"));
            } else {
                buffer.add(chunk == null ? "" : chunk);
            }
        }
        advance(false);
    }

    @Override
    public void onError(Throwable throwable) {
        synchronized (lock) {
            if (phase != ReplyPhase.STREAMING) {
                return;
            }
            agentDone(throwable == null ? new IllegalStateException("the agent failed") : throwable);
        }
        advance(false);
    }

    @Override
    public void onComplete() {
        synchronized (lock) {
            if (phase == ReplyPhase.STREAMING) {
                agentDone(null);
            }
        }
        advance(false);
    }

    private void delivered(Attachment to, long sentNanos) {
        synchronized (lock) {
            if (to.inFlightSeq >= 0) {
                // written, even if the reply was lost or moved meanwhile: the log keeps when, for a replay
                log.written(to.inFlightSeq, sentNanos);
                to.inFlightSeq = -1;
            }
            if (to != attached || !inFlight) {
                return;
            }
            inFlight = false;
            pace.sent(sentNanos);
        }
        // Ask the agent for one more chunk while holding the loop, so a chunk it produces at once is sent from
        // here (a sending thread) rather than through another timer.
        boolean owner = steps.enter();
        Flow.Subscription current = subscriptionOrNull();
        if (current != null) {
            current.request(1);
        }
        if (owner) {
            steps.drain(writingStep);
        }
    }

    private void undeliverable(Attachment to) {
        lost(to, null);
    }

    private void onTimer() {
        synchronized (lock) {
            pendingStep = null;
        }
        advance(true);
    }

    /**
     * Forgets the chunk in flight, if any, as the reply ends for want of a client: it was never confirmed written and
     * no client will ask for it, so what is stored is what was sent. Called holding the lock.
     */
    private void dropInFlight() {
        if (inFlight) {
            log.drop(attached.inFlightSeq);
            attached.inFlightSeq = -1;
            inFlight = false;
        }
    }

    /** Nobody resumed the reply in time: its agent is stopped, and it ends interrupted with what it produced. */
    private void windowEnded(int generation) {
        synchronized (lock) {
            if (!window.isOpen(generation) || phase == ReplyPhase.ENDED || attached != null) {
                return; // a resume came first
            }
            endAs(StreamStatus.INTERRUPTED);
        }
        interrupted();
    }

    /** The reply was just ended as interrupted (under the lock): its agent stops and its end is recorded. */
    private void interrupted() {
        stopProducing();
        onEnd.accept(this, StreamStatus.INTERRUPTED);
    }

    /** Opens the resume window and arms its end; false if the executor takes no more work. Called holding the lock. */
    private boolean openWindow() {
        int generation = window.open(attached.sink);
        try {
            window.keep(generation, window.arm(() -> windowEnded(generation)));
            return true;
        } catch (RejectedExecutionException rejected) {
            window.close();
            return false;
        }
    }

    private void request(int n) {
        Flow.Subscription current = subscriptionOrNull();
        if (current != null) {
            current.request(n);
        }
    }

    /**
     * Makes every move that is due. Re-entrant calls (a sink that reports delivery on the calling thread, an agent
     * that emits inside {@code request}) only count as missed work, so the loop never recurses.
     *
     * @param mayWrite true on the streaming core's own threads (a timer, a delivery) and for a resuming client; an
     *        agent's or the client's thread never writes a chunk itself but schedules an immediate timer, so every
     *        chunk is sent from a managed executor task and a slow client never blocks an agent
     */
    private void advance(boolean mayWrite) {
        steps.run(mayWrite ? writingStep : waitingStep);
    }

    /** Decides the next move under the lock and makes it outside, so no callback runs while the lock is held. */
    private void step(boolean mayWrite) {
        while (true) {
            String chunk = null;
            int seq = 0;
            StreamStatus end = null;
            Attachment to;
            List<ReplyLog.Chunk> replay = null;
            int total = 0;
            ReplyFailure reason = null;
            boolean logged = false;
            Attachment moved = null;
            boolean again = false;
            synchronized (lock) {
                to = attached;
                if (movedFrom != null || (replayFrom >= 0 && to == null)) {
                    // the client a resume took the reply from is told (a chunk already taken for it went first); a
                    // resuming client that was lost again before its replay says what it has when it resumes again
                    moved = movedFrom;
                    movedFrom = null;
                    if (to == null) {
                        replayFrom = -1;
                    }
                    again = true;
                } else if (replayFrom >= 0) {
                    if (!mayWrite) {
                        soon();
                        return;
                    }
                    replay = log.readAfter(replayFrom - 1);
                    replayFrom = -1;
                    if (replayEnd) {
                        end = endStatus;
                        reason = endReason;
                        total = log.size();
                    }
                } else if (phase == ReplyPhase.ENDED || inFlight) {
                    return;
                } else if (phase == ReplyPhase.CANCELLING) {
                    end = StreamStatus.CANCELLED;
                } else if (phase == ReplyPhase.EXPIRING) {
                    end = StreamStatus.FAILED;
                } else if (!buffer.isEmpty()) {
                    long now = nanoClock.getAsLong();
                    long wait = pace.waitNanos(now);
                    if (to == null && window.full()) {
                        return; // the log is full: the agent gets no more demand until a client resumes
                    } else if (wait <= 0 && mayWrite) {
                        chunk = buffer.poll();
                        seq = log.size();
                        log.append(seq, chunk, now);
                        if (to == null) {
                            window.made();
                            pace.sent(now);
                            logged = true;
                        } else {
                            inFlight = true;
                            to.inFlightSeq = seq;
                            to.inFlightAt = now;
                        }
                    } else if (pendingStep != null) {
                        return;
                    } else {
                        try {
                            pendingStep = timer.newTimeout(timerStep, Math.max(0, wait));
                            return;
                        } catch (RejectedExecutionException rejected) {
                            failure = new RejectedExecutionException("the server is too busy to continue", rejected);
                            buffer.clear();
                            end = StreamStatus.FAILED;
                        }
                    }
                } else if (phase == ReplyPhase.DRAINING) {
                    end = failure == null ? StreamStatus.COMPLETE : StreamStatus.FAILED;
                } else {
                    return;
                }
                if (end != null && replay == null) {
                    endAs(end);
                }
            }
            if (again) {
                if (moved != null) {
                    moved.sink.movedAway(messageId, replyTo);
                }
            } else if (replay != null) {
                for (ReplyLog.Chunk missed : replay) {
                    to.sink.replayed(messageId, missed.seq(), missed.delta(), missed.sentNanos());
                }
                if (end != null) {
                    to.sink.streamEnded(messageId, replyTo, end, total, reason);
                    return;
                }
            } else if (logged) {
                Flow.Subscription current = subscriptionOrNull();
                if (current != null) {
                    current.request(1);
                }
            } else if (end == null) {
                to.sink.chunk(messageId, seq, chunk, to);
                return;
            } else {
                finish(end, to);
                return;
            }
        }
    }

    /** The agent completed ({@code failure} null) or failed: what it made still goes out. Called holding the lock. */
    private void agentDone(Throwable failure) {
        this.failure = failure;
        phase = phase.to(ReplyPhase.DRAINING);
    }

    /** The reply ends now with {@code status}; called holding the lock. */
    private void endAs(StreamStatus status) {
        phase = phase.to(ReplyPhase.ENDED);
        endStatus = status;
        endReason = status == StreamStatus.FAILED ? ReplyFailure.of(failure) : null;
        log.end(status, window.nanos());
    }

    /** A step that must write, asked for on a thread that must not: an immediate timer makes it. */
    private void soon() {
        try {
            timer.newTimeout(writeSoon, 0);
        } catch (RejectedExecutionException rejected) {
            LOG.log(Level.FINE, "No executor to resend reply " + messageId + " on", rejected);
        }
    }

    private void finish(StreamStatus status, Attachment to) {
        if (status != StreamStatus.COMPLETE) {
            stopProducing();
        } else {
            cancelWindow();
        }
        ReplyFailure reason;
        int chunks;
        synchronized (lock) {
            reason = endReason;
            chunks = log.size();
        }
        if (failure instanceof AgentFailure named) {
            LOG.log(Level.WARNING, "Agent failed in {0}: {1}", new Object[] {messageId, named.getMessage()});
        } else if (status == StreamStatus.FAILED) {
            LOG.log(Level.WARNING, "Agent failed in " + messageId, failure);
        }
        // The end is recorded (the reply queued for storage, its place freed) before the client hears of it, so
        // whatever the client asks once it has stream_end (the history, the next turn) comes after it.
        onEnd.accept(this, status);
        if (to != null) {
            to.sink.streamEnded(messageId, replyTo, status, chunks, reason);
        }
    }

    private void stopProducing() {
        cancelWindow();
        StepTimer.Timeout step;
        Flow.Subscription current;
        synchronized (lock) {
            step = pendingStep;
            pendingStep = null;
            buffer.clear();
            current = subscription;
        }
        if (step != null) {
            step.cancel();
        }
        if (current != null) {
            try {
                current.cancel();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Agent's cancel failed", e);
            }
        }
    }

    private void cancelWindow() {
        StepTimer.Timeout end;
        synchronized (lock) {
            end = window.close();
        }
        if (end != null) {
            end.cancel();
        }
    }

    private Flow.Subscription subscriptionOrNull() {
        synchronized (lock) {
            return phase == ReplyPhase.ENDED ? null : subscription;
        }
    }
}
