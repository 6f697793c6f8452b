package org.agentstream.streaming;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.StepTimer;

/**
 * A reply's {@link ReplyPhase} and its agent's side: the subscription, the chunks the agent made that are not sent
 * yet (no more than it was asked for), why it failed, and once the reply ended, how. It takes its reply's lock for
 * what the agent or a client tells it, calls the agent outside that lock, and steps the reply after a change; its
 * other methods are called holding the lock.
 */
final class ReplyLife implements Flow.Subscriber<Object> {

    private final Object lock;
    private final int bufferSize;
    private final Runnable changed;
    private final Consumer<ReplyEvent> arrived;
    private final ArrayDeque<ReplyEvent> buffer = new ArrayDeque<>();
    /** What the model used, once the agent said. */
    private ReplyEvent.Usage usage;
    /** Demand to give the agent back for what it made that is no frame (usage). */
    private int owed;
    private ReplyPhase phase = ReplyPhase.NEW;
    private Flow.Subscription subscription;
    private Throwable failure;
    private ReplyEnd outcome;

    /** {@code changed} steps the reply, outside the lock; {@code arrived} hears each chunk taken, under it. */
    ReplyLife(Object lock, int bufferSize, Runnable changed, Consumer<ReplyEvent> arrived) {
        this.lock = lock;
        this.bufferSize = Math.max(1, bufferSize);
        this.changed = changed;
        this.arrived = arrived;
    }

    /**
     * Asks the agent for its reply and subscribes; an agent that throws here (or overflows its stack) fails like one
     * that fails later.
     */
    void start(Supplier<Flow.Publisher<?>> reply) {
        synchronized (lock) {
            if (phase == ReplyPhase.NEW) {
                phase = phase.to(ReplyPhase.STREAMING);
            }
        }
        try {
            reply.get().subscribe(this);
        } catch (RuntimeException | StackOverflowError agentFailure) {
            onError(agentFailure); // a recursion too deep in the agent fails its reply, not the timer's thread
        }
    }

    /** Its client asked to stop. */
    void cancel() {
        synchronized (lock) {
            if (phase != ReplyPhase.ENDED && phase != ReplyPhase.CANCELLING) {
                phase = phase.to(ReplyPhase.CANCELLING);
            }
        }
        changed.run();
    }

    /** It ran too long: it ends failed with {@code why}, unless it ends anyway (a cancelled reply ends cancelled). */
    void expire(Throwable why) {
        synchronized (lock) {
            if (phase == ReplyPhase.ENDED || phase == ReplyPhase.CANCELLING) {
                return;
            }
            failure = why;
            if (phase != ReplyPhase.EXPIRING) {
                phase = phase.to(ReplyPhase.EXPIRING);
            }
        }
        changed.run();
    }

    @Override
    public void onSubscribe(Flow.Subscription agent) {
        boolean ended;
        synchronized (lock) {
            subscription = agent;
            ended = phase == ReplyPhase.ENDED;
        }
        if (ended) {
            agent.cancel();
        } else {
            agent.request(bufferSize);
        }
    }

    @Override
    public void onNext(Object item) {
        ReplyEvent event = item == null || item instanceof String ? new ReplyEvent.Text((String) item)
                : item instanceof ReplyEvent known ? known : null;
        if (event == null) {
            onError(new IllegalStateException("the agent produced a " + item.getClass().getName()
                    + ", neither a String nor a ReplyEvent"));
            return;
        }
        synchronized (lock) {
            if (phase != ReplyPhase.STREAMING) {
                return; // what the agent makes after it finished, failed or was stopped is not sent
            }
            if (event instanceof ReplyEvent.Usage used) {
                usage = used; // goes out with the end: the demand it took is given back by the next step
                owed++;
            } else if (buffer.size() >= bufferSize) {
                agentDone(new IllegalStateException("the agent produced more chunks than were requested"));
            } else {
                buffer.add(event);
                arrived.accept(event);
            }
        }
        changed.run();
    }

    @Override
    public void onError(Throwable throwable) {
        synchronized (lock) {
            if (phase != ReplyPhase.STREAMING) {
                return;
            }
            agentDone(throwable == null ? new IllegalStateException("the agent failed") : throwable);
        }
        changed.run();
    }

    @Override
    public void onComplete() {
        synchronized (lock) {
            if (phase == ReplyPhase.STREAMING) {
                agentDone(null);
            }
        }
        changed.run();
    }

    /** The agent completed ({@code why} null) or failed: what it made still goes out. */
    private void agentDone(Throwable why) {
        failure = why;
        phase = phase.to(ReplyPhase.DRAINING);
    }

    /** Asks the agent for {@code n} more chunks, unless the reply ended. */
    void request(int n) {
        Flow.Subscription agent;
        synchronized (lock) {
            agent = phase == ReplyPhase.ENDED ? null : subscription;
        }
        if (agent != null) {
            agent.request(n);
        }
    }

    /** The timer refused the reply's next step: it fails without what it has not sent. */
    void refused(RejectedExecutionException rejected) {
        synchronized (lock) {
            if (phase == ReplyPhase.STREAMING || phase == ReplyPhase.DRAINING) {
                buffer.clear();
                failure = new RejectedExecutionException("the server is too busy to continue", rejected);
                if (phase == ReplyPhase.STREAMING) {
                    phase = phase.to(ReplyPhase.DRAINING);
                }
            }
        }
    }

    // the rest is called holding the reply's lock

    boolean isNew() {
        return phase == ReplyPhase.NEW;
    }

    boolean hasEnded() {
        return phase == ReplyPhase.ENDED;
    }

    /** The end that is due, if any: a stop was asked for, or the agent is done and all it made went out. */
    StreamStatus dueEnd() {
        return switch (phase) {
            case CANCELLING -> StreamStatus.CANCELLED;
            case EXPIRING -> StreamStatus.FAILED;
            case DRAINING -> !buffer.isEmpty() ? null : failure == null ? StreamStatus.COMPLETE : StreamStatus.FAILED;
            default -> null;
        };
    }

    /** The demand to give back to the agent, now taken. */
    int takeOwed() {
        int taken = owed;
        owed = 0;
        return taken;
    }

    boolean hasChunk() {
        return !buffer.isEmpty();
    }

    ReplyEvent nextChunk() {
        return buffer.poll();
    }

    /**
     * Ends the reply with {@code status} after {@code chunks} chunks, the first written {@code firstChunkMs} after its
     * message arrived (or null): what that takes, outside the lock.
     */
    Ending end(StreamStatus status, int chunks, Long firstChunkMs, ReplyStream.Attachment tell,
            StepTimer.Timeout window) {
        phase = phase.to(ReplyPhase.ENDED);
        boolean failed = status == StreamStatus.FAILED;
        outcome = new ReplyEnd(status, chunks, failed ? ReplyFailure.of(failure) : null, usage, firstChunkMs);
        buffer.clear();
        return new Ending(outcome, failed ? failure : null, tell, window,
                status == StreamStatus.COMPLETE ? null : subscription);
    }

    /** What the model used, if the agent said so (so far). */
    ReplyEvent.Usage usage() {
        return usage;
    }

    /** How it ended, once it has. */
    ReplyEnd outcome() {
        return outcome;
    }
}
