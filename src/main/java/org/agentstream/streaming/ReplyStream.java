package org.agentstream.streaming;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.DrainLoop;
import org.agentstream.agent.StepTimer;

/**
 * One reply on its way to a client: takes chunks from the agent into a small bounded buffer and hands them to the
 * sink one at a time, each at least {@code pause} after the previous one was sent. Waiting is a timer on the
 * scheduler, never a sleeping thread, so thousands of paced replies cost no thread each. Every reply ends exactly
 * once: complete, cancelled, failed, or silently when its client is gone.
 */
public final class ReplyStream implements Flow.Subscriber<String>, ReplySink.Delivery {

    private static final Logger LOG = Logger.getLogger(ReplyStream.class.getName());

    private final String messageId;
    private final String replyTo;
    private final ReplySink sink;
    private final StepTimer timer;
    private final LongSupplier nanoClock;
    private final long pauseNanos;
    private final int bufferSize;
    private final BiConsumer<ReplyStream, StreamStatus> onEnd;

    private final Object lock = new Object();
    private final DrainLoop steps = new DrainLoop();
    private final Runnable writingStep = () -> step(true);
    private final Runnable waitingStep = () -> step(false);
    private final Runnable timerStep = this::onTimer;
    private final ArrayDeque<String> buffer = new ArrayDeque<>();
    private Flow.Subscription subscription;
    private StepTimer.Timeout pendingStep;
    private boolean producerDone;
    private Throwable failure;
    private boolean cancelRequested;
    private boolean expired;
    private boolean inFlight;
    private boolean ended;
    private long nextSendAt;
    private boolean anySent;
    private int sent;
    private String inFlightChunk;
    /** What was delivered, kept only when the reply is recorded. */
    private StringBuilder sentText;
    private int delivered;

    public ReplyStream(String messageId, String replyTo, ReplySink sink, StepTimer timer,
            LongSupplier nanoClock, long pauseNanos, int bufferSize, BiConsumer<ReplyStream, StreamStatus> onEnd) {
        this.messageId = messageId;
        this.replyTo = replyTo;
        this.sink = sink;
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.pauseNanos = Math.max(0, pauseNanos);
        this.bufferSize = Math.max(1, bufferSize);
        this.onEnd = onEnd;
    }

    public String messageId() {
        return messageId;
    }

    /** From now on, the text of every delivered chunk is kept for {@link #sentText()}. */
    void recordSentText() {
        synchronized (lock) {
            sentText = new StringBuilder();
        }
    }

    /** The text delivered to the client so far (empty unless {@link #recordSentText()} was called). */
    String sentText() {
        synchronized (lock) {
            return sentText == null ? "" : sentText.toString();
        }
    }

    int deliveredChunks() {
        synchronized (lock) {
            return delivered;
        }
    }

    boolean hasEnded() {
        synchronized (lock) {
            return ended;
        }
    }

    /** Asks the agent for its reply and subscribes; an agent that throws here fails like one that fails later. */
    public void start(Supplier<Flow.Publisher<String>> reply) {
        try {
            reply.get().subscribe(this);
        } catch (RuntimeException agentFailure) {
            onError(agentFailure);
        }
    }

    /** The client asked to stop: the agent is told to stop and the reply ends as cancelled. */
    public void cancel() {
        synchronized (lock) {
            cancelRequested = true;
        }
        advance(false);
    }

    /**
     * The reply ran longer than the server allows: the agent is told to stop (it may not listen) and the reply ends
     * as failed with a {@link AgentFailure.Kind#REPLY_TIMEOUT}, which frees its place whatever the agent does.
     */
    public void expire(String why) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            expired = true;
            producerDone = true;
            failure = new AgentFailure(AgentFailure.Kind.REPLY_TIMEOUT, why);
        }
        advance(false);
    }

    /** The client is gone: stop at once, send nothing more. */
    public void disconnect() {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
        }
        stopProducing();
        onEnd.accept(this, StreamStatus.INTERRUPTED);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean alreadyEnded;
        synchronized (lock) {
            this.subscription = subscription;
            alreadyEnded = ended;
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
            if (ended || producerDone) {
                return;
            }
            if (buffer.size() >= bufferSize) {
                producerDone = true;
                failure = new IllegalStateException("the agent produced more chunks than were requested");
            } else {
                buffer.add(chunk == null ? "" : chunk);
            }
        }
        advance(false);
    }

    @Override
    public void onError(Throwable throwable) {
        synchronized (lock) {
            if (producerDone) {
                return;
            }
            producerDone = true;
            failure = throwable == null ? new IllegalStateException("the agent failed") : throwable;
        }
        advance(false);
    }

    @Override
    public void onComplete() {
        synchronized (lock) {
            producerDone = true;
        }
        advance(false);
    }

    @Override
    public void delivered(long sentNanos) {
        synchronized (lock) {
            inFlight = false;
            delivered++;
            if (sentText != null) {
                sentText.append(inFlightChunk);
            }
            inFlightChunk = null;
            anySent = true;
            nextSendAt = sentNanos + pauseNanos;
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

    @Override
    public void undeliverable() {
        synchronized (lock) {
            inFlight = false;
            inFlightChunk = null;
        }
        disconnect();
    }

    private void onTimer() {
        synchronized (lock) {
            pendingStep = null;
        }
        advance(true);
    }

    /**
     * Makes every move that is due. Re-entrant calls (a sink that reports delivery on the calling thread, an agent
     * that emits inside {@code request}) only count as missed work, so the loop never recurses.
     *
     * @param mayWrite true on the streaming core's own threads (a timer, a delivery); an agent's or the client's
     *        thread never writes a chunk itself but schedules an immediate timer, so every chunk is sent from a
     *        managed executor task and a slow client never blocks an agent
     */
    private void advance(boolean mayWrite) {
        steps.run(mayWrite ? writingStep : waitingStep);
    }

    /** Decides the next move under the lock and makes it outside, so no callback runs while the lock is held. */
    private void step(boolean mayWrite) {
        String chunk = null;
        int seq = 0;
        StreamStatus end = null;
        synchronized (lock) {
            if (ended || inFlight) {
                return;
            }
            if (cancelRequested) {
                end = StreamStatus.CANCELLED;
            } else if (expired) {
                end = StreamStatus.FAILED;
            } else if (!buffer.isEmpty()) {
                long wait = anySent ? nextSendAt - nanoClock.getAsLong() : 0;
                if (wait <= 0 && mayWrite) {
                    chunk = buffer.poll();
                    seq = sent++;
                    inFlight = true;
                    inFlightChunk = chunk;
                } else if (pendingStep != null) {
                    return;
                } else {
                    try {
                        pendingStep = timer.newTimeout(timerStep, Math.max(0, wait));
                        return;
                    } catch (RejectedExecutionException rejected) {
                        failure = new RejectedExecutionException("the server is too busy to continue", rejected);
                        producerDone = true;
                        buffer.clear();
                        end = StreamStatus.FAILED;
                    }
                }
            } else if (producerDone) {
                end = failure == null ? StreamStatus.COMPLETE : StreamStatus.FAILED;
            } else {
                return;
            }
            if (end != null) {
                ended = true;
            }
        }
        if (end == null) {
            sink.chunk(messageId, seq, chunk, this);
        } else {
            finish(end);
        }
    }

    private void finish(StreamStatus status) {
        if (status != StreamStatus.COMPLETE) {
            stopProducing();
        }
        ReplyFailure reason = status == StreamStatus.FAILED ? ReplyFailure.of(failure) : null;
        if (failure instanceof AgentFailure named) {
            LOG.log(Level.WARNING, "Agent failed in {0}: {1}", new Object[] {messageId, named.getMessage()});
        } else if (status == StreamStatus.FAILED) {
            LOG.log(Level.WARNING, "Agent failed in " + messageId, failure);
        }
        // The end is recorded (the reply queued for storage, its place freed) before the client hears of it, so
        // whatever the client asks once it has stream_end (the history, the next turn) comes after it.
        onEnd.accept(this, status);
        sink.streamEnded(messageId, replyTo, status, sent, reason);
    }

    private void stopProducing() {
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

    private Flow.Subscription subscriptionOrNull() {
        synchronized (lock) {
            return ended ? null : subscription;
        }
    }
}
