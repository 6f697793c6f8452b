package org.agentstream.streaming;

import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.DrainLoop;
import org.agentstream.timing.StepAlarm;
import org.agentstream.timing.StepTimer;

/**
 * One reply on its way to a client: takes chunks from the agent into a small bounded buffer and hands them to the
 * sink one at a time, each at least {@code pause} after the previous one was sent. Waiting is a timer on the
 * scheduler, never a sleeping thread, so thousands of paced replies cost no thread each. Every chunk is kept in the
 * reply's {@link ReplyLog}, so when the connection drops the reply can go on without a client for the resume
 * window, and a client that resumes it gets what it missed, then the rest. Every reply ends exactly once: complete,
 * cancelled, failed, or interrupted when its client is gone for good.
 *
 * <p>Its state is its {@link ReplyLife} (a {@link ReplyPhase} and the agent's side) and the client it is
 * {@linkplain Attachment attached} to, none while it waits in a {@link ResumeWindow}. A step decides its {@link Move}
 * under the lock and makes it outside ({@link ReplyEffects}), so no sink, agent or timer is called holding the lock;
 * steps run one at a time ({@link DrainLoop}), and so do a reply's sends.
 */
public final class ReplyStream implements ConnectionReply {

    /**
     * How a reply outlives its connection: for {@code windowNanos} (0: it ends as interrupted when the connection
     * drops), making at most {@code maxDetachedChunks} chunks while no client is attached (then its agent waits).
     */
    public record Resumption(long windowNanos, int maxDetachedChunks) {
        public static final Resumption NONE = new Resumption(0, 0);
    }

    public enum Resumed { RESUMED, ALREADY_HERE } // what a resume did

    /**
     * One client's hold on the reply, with the chunk in flight to it and, after a resume, what it is to be sent from
     * the log first. What it hears after the reply moved on or was lost only tells the log when a chunk was written.
     */
    final class Attachment implements ReplySink.Delivery {
        final ReplySink sink;
        /** The chunk handed to this client and not yet reported written (or -1), and when; under the stream's lock. */
        private int inFlightSeq = -1;
        private long inFlightAt;
        /** What this client is still to be sent from the log, or null; guarded by the stream's lock. */
        private Replay replay;

        Attachment(ReplySink sink, Replay replay) {
            this.sink = sink;
            this.replay = replay;
        }

        boolean inFlight() {
            return inFlightSeq >= 0;
        }

        @Override
        public void delivered(long sentNanos) {
            ReplyStream.this.delivered(this, sentNanos);
        }

        @Override
        public void undeliverable() {
            lost(this, null);
        }
    }

    /** A resumed client has every chunk up to {@code afterSeq}; it is sent the end too if the reply had ended. */
    record Replay(int afterSeq, boolean withEnd) {
    }

    private final String messageId;
    private final LongSupplier nanoClock;

    private final Object lock = new Object();
    private final DrainLoop steps = new DrainLoop();
    private final Runnable writingStep = () -> step(true);
    private final Runnable waitingStep = () -> step(false);
    private final Runnable writeSoon = () -> advance(true);
    private final StepAlarm alarm;
    private final ReplyEffects effects;
    // guarded by the lock, like everything below
    private final ReplyLog log;
    private final ReplyLife life;
    private final Pace pace;
    private final ResumeWindow window;
    /** The client the reply goes to, or null while its connection is lost. */
    private Attachment attached;
    /** The client a resume took the reply from, to be told so by the next step. */
    private Attachment movedFrom;
    /** Chunks in flight to clients that lost the reply, and usage, took demand that is owed back to the agent. */
    private int owedDemand;
    /** The end of the window a resume closed, to be cancelled by its {@link #sendOn()}. */
    private StepTimer.Timeout staleWindow;
    /** When the last live chunk to the attached client was written; Long.MIN_VALUE: none since it attached. */
    private long lastLiveSend = Long.MIN_VALUE;
    /** When its message arrived and its first frame left; who hears of its writes (metrics, traces). */
    private final ReplyTimes times = new ReplyTimes();

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
        this.nanoClock = nanoClock;
        this.alarm = new StepAlarm(timer, writeSoon);
        this.log = log;
        this.life = new ReplyLife(lock, bufferSize, () -> advance(false), log::ahead);
        this.effects = new ReplyEffects(this, replyTo, life, timer, alarm, writeSoon, log, onEnd);
        this.pace = new Pace(pauseNanos);
        this.window = new ResumeWindow(lock, timer, resumption);
        this.attached = new Attachment(sink, null);
    }

    @Override
    public String messageId() {
        return messageId;
    }

    /** Everything the reply produced, and what the model used if the agent said so. */
    EndedReply ending(StreamStatus status) {
        synchronized (lock) {
            return EndedReply.of(messageId, status, log.readAfter(-1), life.usage());
        }
    }

    boolean hasEnded() {
        synchronized (lock) {
            return life.hasEnded();
        }
    }

    /** Asks the agent for its reply and subscribes; an agent that throws here fails like one that fails later. */
    public void start(Supplier<Flow.Publisher<?>> reply) {
        times.observer().starting(() -> life.start(reply));
    }

    /** Reports the reply's writes and end to {@code to}, timed from {@code arrived}; called before it starts. */
    void observe(ReplyObserver to, long arrived) {
        times.observe(to, arrived);
    }

    void observeEnd(Ending ending) {
        times.ended(ending.outcome(), nanoClock.getAsLong());
    }

    /** The client asked to stop: the agent is told to stop and the reply ends as cancelled. */
    @Override
    public void cancel() {
        life.cancel();
    }

    /** It ran too long: the agent is told to stop, and it ends failed ({@link AgentFailure.Kind#REPLY_TIMEOUT}). */
    public void expire(String why) {
        life.expire(new AgentFailure(AgentFailure.Kind.REPLY_TIMEOUT, why));
    }

    /**
     * The client on {@code from} is done with the reply (it closed its connection normally): stop at once, send
     * nothing more. Nothing happens if the reply has moved to another connection meanwhile; {@code null} stops it
     * wherever it is (the application is stopping).
     */
    @Override
    public void disconnect(ReplySink from) {
        Ending ending;
        synchronized (lock) {
            boolean held = from == null || (attached != null ? attached.sink == from : window.isLostOn(from));
            if (life.hasEnded() || !held) {
                return;
            }
            ending = interrupt();
        }
        effects.finish(ending);
    }

    /**
     * The connection on {@code from} is lost: with a resume window the reply goes on without a client, its chunks
     * only logged, until a client {@linkplain #resume resumes} it or the window ends; without one it ends at once.
     * Nothing happens if the reply has moved to another connection meanwhile.
     */
    @Override
    public void detach(ReplySink from) {
        lost(null, from);
    }

    /** Detaches the reply from {@code expected} (or, when null, from the attachment on {@code from}). */
    private void lost(Attachment expected, ReplySink from) {
        Attachment client;
        Ending ending = null;
        int generation = 0;
        synchronized (lock) {
            client = attached;
            if (life.hasEnded() || client == null || (expected != null ? client != expected : client.sink != from)) {
                return;
            }
            if (life.isNew() || !window.allowed()) {
                ending = interrupt(); // a reply whose client never heard of it cannot be resumed
            } else {
                if (client.inFlight()) {
                    // its send may never complete: a client that resumes gets it from the log, the agent its demand
                    owedDemand++;
                    pace.sent(client.inFlightAt);
                }
                generation = window.open(client.sink);
                attached = null;
                lastLiveSend = Long.MIN_VALUE;
            }
        }
        if (ending != null) {
            effects.finish(ending);
        } else {
            awaitResume(generation, client);
        }
    }

    /** Arms the end of the window the reply now waits in, lost from {@code client}, and goes on without a client. */
    private void awaitResume(int generation, Attachment client) {
        try {
            window.armEnd(generation, () -> windowEnded(generation, null));
        } catch (RejectedExecutionException rejected) {
            windowEnded(generation, client); // it cannot wait without a timer: it ends as if no one resumed it
            return;
        }
        advance(false);
    }

    /**
     * Nobody resumed the reply in time: its agent is stopped, and it ends interrupted with what it produced (without
     * the chunk in flight to {@code lost}, if given and still unwritten).
     */
    private void windowEnded(int generation, Attachment lost) {
        Ending ending;
        synchronized (lock) {
            if (!window.isOpen(generation)) {
                return; // a resume or the end came first; an open window means no client and no end yet
            }
            if (lost != null) {
                dropUnwritten(lost);
            }
            ending = interrupt();
        }
        effects.finish(ending);
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
            boolean ended = life.hasEnded();
            if (attached != null && attached.sink == sink && !ended) {
                return Resumed.ALREADY_HERE;
            }
            if (attached != null && !ended) {
                movedFrom = attached; // told from a step, after anything already taken for it
            }
            if (attached != null && attached.inFlight()) {
                owedDemand++; // its delivery is ignored from now on
            }
            attached = new Attachment(sink, new Replay(Math.max(-1, afterSeq), ended));
            lastLiveSend = Long.MIN_VALUE; // a gap across the resume measures the client's absence, not the pacing
            StepTimer.Timeout closed = window.close();
            if (closed != null) {
                staleWindow = closed;
            }
            return Resumed.RESUMED;
        }
    }

    /** The second half of {@link #resume}: sends what the new client missed, then goes on. */
    void sendOn() {
        StepTimer.Timeout stale;
        synchronized (lock) {
            stale = staleWindow;
            staleWindow = null;
        }
        if (stale != null) {
            stale.cancel();
        }
        advance(true);
    }

    private void delivered(Attachment to, long sentNanos) {
        boolean first;
        boolean live;
        long gap;
        synchronized (lock) {
            if (!to.inFlight()) {
                return;
            }
            // written, even if the reply was lost or moved meanwhile: the log keeps when, for a replay
            log.written(to.inFlightSeq, sentNanos);
            first = times.sent(to.inFlightSeq, sentNanos);
            to.inFlightSeq = -1;
            live = to == attached;
            gap = live && lastLiveSend != Long.MIN_VALUE ? sentNanos - lastLiveSend : -1;
            if (live) {
                lastLiveSend = sentNanos;
                pace.sent(sentNanos);
            }
        }
        if (first) {
            times.observer().firstChunk(times.sinceArrival(sentNanos));
        } else if (gap >= 0) {
            times.observer().sendGap(gap);
        }
        if (!live) {
            return;
        }
        // Ask the agent for one more chunk while holding the loop, so a chunk it produces at once is sent from
        // here (a sending thread) rather than through another timer.
        boolean owner = steps.enter();
        life.request(1);
        if (owner) {
            steps.drain(writingStep);
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

    /** Decides the next move under the lock and makes it outside, until a move leaves the next step to others. */
    private void step(boolean mayWrite) {
        Move move;
        do {
            synchronized (lock) {
                move = decide(mayWrite);
            }
        } while (move.make(effects));
    }

    /** The first move that is due; called holding the lock. */
    private Move decide(boolean mayWrite) {
        if (movedFrom != null) {
            Move tell = new Move.TellMoved(movedFrom);
            movedFrom = null;
            return tell;
        }
        owedDemand += life.takeOwed();
        if (owedDemand > 0 && !life.hasEnded()) {
            Move owed = new Move.Request(owedDemand);
            owedDemand = 0;
            return owed;
        }
        Attachment to = attached;
        if (to != null && to.replay != null) {
            return mayWrite ? replay(to) : Move.SOON;
        }
        if (life.hasEnded() || (to != null && to.inFlight())) {
            return Move.IDLE;
        }
        StreamStatus end = life.dueEnd();
        if (end != null) {
            return end(end, to);
        }
        return life.hasChunk() ? nextChunk(to, mayWrite) : Move.IDLE;
    }

    /** What the resumed client {@code to} missed, from the log; called holding the lock. */
    private Move replay(Attachment to) {
        Replay replay = to.replay;
        to.replay = null;
        return new Move.Replay(to, log.readAfter(replay.afterSeq()), replay.withEnd() ? life.outcome() : null);
    }

    /** The buffer's next chunk once the pause has passed: sent, or only logged with no client; holding the lock. */
    private Move nextChunk(Attachment to, boolean mayWrite) {
        if (to == null && window.full()) {
            return Move.IDLE; // the log is full: the agent gets no more demand until a client resumes
        }
        long now = nanoClock.getAsLong();
        long wait = pace.waitNanos(now);
        if (wait > 0 || !mayWrite) {
            StepAlarm.Claim claim = alarm.claim();
            return claim == null ? Move.IDLE : new Move.Wait(claim, Math.max(0, wait));
        }
        ReplyEvent chunk = life.nextChunk();
        int seq = log.size();
        log.append(seq, chunk, now);
        times.sent(seq, now);
        if (to == null) {
            window.made();
            pace.sent(now);
            return new Move.Request(1); // no delivery will ask for the next one
        }
        to.inFlightSeq = seq;
        to.inFlightAt = now;
        return new Move.Send(to, seq, chunk);
    }

    /**
     * Ends the reply for want of a client: the chunk in flight to it was never confirmed written and no client will
     * ask for it, so it is dropped, and what is stored is what was sent. Called holding the lock.
     */
    private Ending interrupt() {
        if (attached != null) {
            dropUnwritten(attached);
        }
        return end(StreamStatus.INTERRUPTED, null);
    }

    /** Drops the chunk in flight to {@code client} if it is the last one logged; called holding the lock. */
    private void dropUnwritten(Attachment client) {
        if (client.inFlight() && client.inFlightSeq == log.size() - 1) {
            log.drop(client.inFlightSeq);
            client.inFlightSeq = -1;
        }
    }

    /** Ends the reply with {@code status}, to be told to {@code tell}, if any; called holding the lock. */
    private Ending end(StreamStatus status, Attachment tell) {
        Ending ending = life.end(status, log.size(), times.firstChunkMs(log.size()), tell, window.close());
        log.end(ending.outcome(), window.nanos());
        return ending;
    }
}
