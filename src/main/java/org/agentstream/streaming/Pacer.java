package org.agentstream.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The timer the reply streams wait on: a few lanes, each a queue of due steps that one periodic task of the
 * container's managed scheduled executor drains every tick, running each step (and so sending each chunk) inside
 * that managed task. Thousands of waiting replies then cost neither a thread nor a managed task each: a managed
 * task captures the container's context when it is submitted, which costs tens of microseconds on WildFly and far
 * more on Payara, so one task per chunk would spend most of the CPU on bookkeeping. A lane with nothing to do
 * stops ticking.
 */
public final class Pacer extends AbstractExecutorService implements ScheduledExecutorService {

    private static final Logger LOG = Logger.getLogger(Pacer.class.getName());

    private final ScheduledExecutorService managed;
    private final long tickNanos;
    private final LongSupplier nanoClock;
    private final Lane[] lanes;
    private final AtomicInteger nextLane = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final long stallNanos;
    private static final long IDLE = Long.MIN_VALUE;

    public Pacer(ScheduledExecutorService managed, int lanes, long tickNanos, LongSupplier nanoClock) {
        this.managed = managed;
        this.tickNanos = Math.max(100_000, tickNanos);
        this.stallNanos = 5 * this.tickNanos;
        this.nanoClock = nanoClock;
        this.lanes = new Lane[Math.max(1, lanes)];
        for (int i = 0; i < this.lanes.length; i++) {
            this.lanes[i] = new Lane();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Step step = new Step(command, nanoClock.getAsLong() + Math.max(0, unit.toNanos(delay)),
                sequence.incrementAndGet());
        long now = nanoClock.getAsLong();
        int first = Math.floorMod(nextLane.getAndIncrement(), lanes.length);
        Lane lane = lanes[first];
        for (int i = 0; i < lanes.length && lane.stalled(now); i++) {
            lane = lanes[(first + i + 1) % lanes.length];
        }
        lane.add(step);
        for (Lane other : lanes) {
            other.ensureTicking();
        }
        return step;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    /**
     * One queue of steps and the periodic managed task that drains it while it has any. A lane whose task is stuck
     * (a send blocked on a client that stopped reading) is helped: the other lanes run its due steps, so one slow
     * client delays only its own chunks.
     */
    private final class Lane {
        private final PriorityQueue<Step> steps = new PriorityQueue<>();
        private ScheduledFuture<?> ticker;
        private volatile long tickStartedAt = IDLE;

        synchronized void add(Step step) {
            steps.add(step);
            ensureTicking();
        }

        /** Throws RejectedExecutionException to the caller when the container takes no more work. */
        synchronized void ensureTicking() {
            if (ticker == null) {
                ticker = managed.scheduleAtFixedRate(this::tick, 0, tickNanos, TimeUnit.NANOSECONDS);
            }
        }

        boolean stalled(long now) {
            long started = tickStartedAt;
            return started != IDLE && now - started > stallNanos;
        }

        private void tick() {
            tickStartedAt = nanoClock.getAsLong();
            try {
                runDue(this);
                boolean othersWaiting = false;
                for (Lane other : lanes) {
                    if (other != this) {
                        if (other.stalled(nanoClock.getAsLong())) {
                            runDue(other);
                        }
                        othersWaiting |= other.hasSteps();
                    }
                }
                synchronized (this) {
                    // every lane ticks while any lane has steps, so a stuck one always has a lane to help it
                    if (steps.isEmpty() && !othersWaiting) {
                        ticker.cancel(false);
                        ticker = null;
                    }
                }
            } finally {
                tickStartedAt = IDLE;
            }
        }

        private synchronized boolean hasSteps() {
            return !steps.isEmpty();
        }

        private Step pollDue() {
            synchronized (this) {
                Step first = steps.peek();
                return first == null || first.at > nanoClock.getAsLong() ? null : steps.poll();
            }
        }
    }

    /** Runs the due steps of {@code lane} on the calling lane's task. */
    private static void runDue(Lane lane) {
        Step due;
        while ((due = lane.pollDue()) != null) {
            due.run();
        }
    }

    /** A step waiting for its time; cancelling it only marks it, the lane drops it when it comes due. */
    private static final class Step implements ScheduledFuture<Object>, Comparable<Delayed> {
        private final Runnable command;
        private final long at;
        private final long order;
        private volatile boolean cancelled;
        private volatile boolean done;

        Step(Runnable command, long at, long order) {
            this.command = command;
            this.at = at;
            this.order = order;
        }

        void run() {
            if (cancelled) {
                return;
            }
            done = true;
            try {
                command.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "A paced step failed", e);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Step step = (Step) other;
            int byTime = Long.compare(at, step.at);
            return byTime != 0 ? byTime : Long.compare(order, step.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("steps are not awaited");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("steps are not awaited");
        }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the pacer runs steps, not callables");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the pacer runs one-off steps");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        throw new UnsupportedOperationException("the pacer runs one-off steps");
    }

    /** The container owns the threads; the pacer has nothing to shut down. */
    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
