package org.agentstream.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The timer replies and paced agents wait on. Steps wait in a few lanes (queues by due time); a lane costs nothing
 * while nothing is due: it arms one wake-up, a task on the container's managed scheduled executor, for its earliest
 * step, and that task runs every step then due. A step due within the slack after the last one is waited for on the
 * same task instead of arming another, so a train of replies is sent by one task. Thousands of waiting steps cost
 * neither a thread nor a managed task each, which matters because a managed task captures the container's context.
 *
 * <p>A task stuck in a step (a send to a client that stopped reading) holds up nothing else: before each step it
 * arms a guard wake-up for the next one, no earlier than the stall limit, which another thread runs if it is still
 * stuck; and new steps go to lanes that are not stuck.
 */
public final class WakeUpTimer implements StepTimer {

    private static final Logger LOG = Logger.getLogger(WakeUpTimer.class.getName());
    private static final long NOT_ARMED = Long.MAX_VALUE;
    private static final long IDLE = Long.MIN_VALUE;
    /** A wake-up task hands over to a fresh one after this long, so no managed task runs for ever. */
    private static final long LONGEST_RUN_NANOS = 200_000_000L;
    /** How long a lateness measured on a run step counts towards {@link #lagNanos()}. */
    private static final long LAG_MEMORY_NANOS = 100_000_000L;

    private final StepTimer wakeUps;
    private final LongSupplier clock;
    private final long slackNanos;
    private final long stallNanos;
    private final Lane[] lanes;
    /** Lanes that can run at the same moment: no more than the machine has processors. */
    private final int lanesAtOnce;
    private final AtomicInteger nextLane = new AtomicInteger();
    private final AtomicLong order = new AtomicLong();
    private final LongAdder armed = new LongAdder();
    private volatile long lastLateness;
    private volatile long lastLatenessAt = IDLE;
    /** How long a step holds its task, on average over the last few dozen steps. */
    private volatile long stepNanos;

    /**
     * @param wakeUps the container's scheduled executor, as a timer with one task per wake-up
     * @param slackNanos how long a wake-up task waits for the next step rather than arm another wake-up (0 never
     *        waits); a step is never run early
     * @param stallNanos how long one step may hold its task before the next due steps are run elsewhere
     */
    public WakeUpTimer(StepTimer wakeUps, int lanes, long slackNanos, long stallNanos, LongSupplier clock) {
        this.wakeUps = wakeUps;
        this.clock = clock;
        this.slackNanos = Math.max(0, slackNanos);
        this.stallNanos = Math.max(1, stallNanos);
        this.lanes = new Lane[Math.max(1, lanes)];
        for (int i = 0; i < this.lanes.length; i++) {
            this.lanes[i] = new Lane();
        }
        this.lanesAtOnce = Math.min(this.lanes.length, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Timeout newTimeout(Runnable step, long delayNanos) {
        long now = clock.getAsLong();
        // a delay of centuries is as good as never, and cannot overflow the due time
        Step waiting = new Step(step, now + Math.max(0, Math.min(delayNanos, Long.MAX_VALUE / 4)),
                order.incrementAndGet());
        int first = Math.floorMod(nextLane.getAndIncrement(), lanes.length);
        Lane lane = lanes[first];
        for (int i = 1; i < lanes.length && lane.stalled(now); i++) {
            lane = lanes[(first + i) % lanes.length];
        }
        lane.add(waiting, now);
        return waiting;
    }

    /**
     * How far behind its schedule the timer runs now: the longest a due step has been waiting, or how late the last
     * step ran if that was recent.
     */
    public long lagNanos() {
        long now = clock.getAsLong();
        long lag = now - lastLatenessAt < LAG_MEMORY_NANOS ? lastLateness : 0;
        for (Lane lane : lanes) {
            lag = Math.max(lag, lane.overdue(now));
        }
        return lag;
    }

    /**
     * Whether the lanes have time for {@code steps} steps every {@code everyNanos}, at the measured cost of a step,
     * keeping a quarter of their time in reserve. A lane counts only if the machine has a processor for it.
     */
    public boolean hasRoomFor(long steps, long everyNanos) {
        return steps * stepNanos <= everyNanos * lanesAtOnce * 3 / 4;
    }

    /** How long a step holds its task, on average lately (0 until steps have run). */
    public long stepNanos() {
        return stepNanos;
    }

    /** How many wake-up tasks were armed so far. */
    public long wakeUpsArmed() {
        return armed.sum();
    }

    /** A queue of steps by due time, with at most one armed wake-up and the tasks running its steps. */
    private final class Lane implements Runnable {
        private final PriorityQueue<Step> steps = new PriorityQueue<>();
        private Timeout wakeUp;
        private long wakeUpAt = NOT_ARMED;
        /** The tasks running this lane's steps now. */
        private final List<Runner> runners = new ArrayList<>();
        private Thread waiting;
        private long waitingFor;

        void add(Step step, long now) {
            Thread toWake = null;
            synchronized (this) {
                steps.add(step);
                if (steps.peek() != step) {
                    return;
                }
                if (waiting != null) {
                    if (step.at < waitingFor) {
                        toWake = waiting;
                    }
                } else {
                    long since = progressingSince(now);
                    try {
                        // a task that is running steps takes this one too, unless it gets stuck
                        arm(since == NOT_ARMED ? step.at : Math.max(step.at, since + stallNanos), now);
                    } catch (RejectedExecutionException rejected) {
                        steps.remove(step);
                        throw rejected;
                    }
                }
            }
            if (toWake != null) {
                LockSupport.unpark(toWake);
            }
        }

        /** Makes sure a wake-up comes at {@code at} or earlier; called holding the lane. */
        private void arm(long at, long now) {
            if (wakeUpAt <= at) {
                return;
            }
            replaceWakeUp(at, now);
        }

        /** The new wake-up is armed before the old one is cancelled, so a refusal leaves the old one in place. */
        private void replaceWakeUp(long at, long now) {
            Timeout next = wakeUps.newTimeout(this, at - now);
            if (wakeUp != null) {
                wakeUp.cancel();
            }
            wakeUp = next;
            wakeUpAt = at;
            armed.increment();
        }

        /** Whether a task of this lane has been stuck in one step longer than the stall limit. */
        synchronized boolean stalled(long now) {
            for (Runner runner : runners) {
                if (runner.stuck(now)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Since when a task that is not stuck has been in its current step (now, if it is between steps), or
         * {@link #NOT_ARMED} if every task running the lane is stuck or none is; called holding the lane.
         */
        private long progressingSince(long now) {
            long since = NOT_ARMED;
            for (Runner runner : runners) {
                long started = runner.stepStartedAt;
                if (!runner.stuck(now)) {
                    since = Math.min(since, started == IDLE ? now : started);
                }
            }
            return since;
        }

        synchronized long overdue(long now) {
            Step first = steps.peek();
            return first == null ? 0 : Math.max(0, now - first.at);
        }

        /** A wake-up: runs every due step, waits for the ones due within the slack, then arms the next wake-up. */
        @Override
        public void run() {
            long began = clock.getAsLong();
            Runner self = new Runner();
            if (!joined(self, began)) {
                return;
            }
            boolean left = false;
            try {
                while (!left) {
                    Step due = null;
                    long park = 0;
                    long now = clock.getAsLong();
                    synchronized (this) {
                        Step first = steps.peek();
                        long wait = first == null ? 0 : first.at - now;
                        // leave when nothing is left, or another task already waits for the first step
                        left = first == null || (wait > 0 && waiting != null) || wait > slackNanos
                                || now - began > LONGEST_RUN_NANOS;
                        if (left) {
                            runners.remove(self);
                            if (first != null && waiting == null) {
                                armExactly(first.at, now);
                            }
                        } else if (wait > 0) {
                            waiting = Thread.currentThread();
                            waitingFor = first.at;
                            park = wait;
                        } else {
                            due = steps.poll();
                            Step next = steps.peek();
                            if (next != null) {
                                armGuard(Math.max(next.at, now + stallNanos), now);
                            }
                        }
                    }
                    if (due != null) {
                        run(due, now, self);
                    } else if (park > 0) {
                        LockSupport.parkNanos(park);
                        synchronized (this) {
                            waiting = null;
                        }
                    }
                }
            } catch (RuntimeException | Error failure) {
                LOG.log(Level.SEVERE, "The streaming timer could not arm its next wake-up", failure);
                synchronized (this) {
                    if (waiting == Thread.currentThread()) {
                        waiting = null;
                    }
                    if (!left) {
                        runners.remove(self);
                    }
                }
            }
        }

        /**
         * Makes this wake-up a runner of the lane's steps, unless another task runs them and is not stuck: that one
         * takes them, and this one comes back (a guard) in case it gets stuck.
         */
        private synchronized boolean joined(Runner self, long began) {
            wakeUp = null;
            wakeUpAt = NOT_ARMED;
            long since = progressingSince(began);
            if (since != NOT_ARMED) {
                Step first = steps.peek();
                if (first != null) {
                    armGuard(Math.max(first.at, since + stallNanos), began);
                }
                return false;
            }
            runners.add(self);
            return true;
        }

        /** A guard is help, not duty: if the container refuses it, this task still runs the steps it covers. */
        private void armGuard(long at, long now) {
            try {
                arm(at, now);
            } catch (RejectedExecutionException refused) {
                LOG.log(Level.FINE, "No guard wake-up: the container takes no more work", refused);
            }
        }

        /** The next wake-up is exactly at the first step, so a guard armed earlier does not wake for nothing. */
        private void armExactly(long at, long now) {
            if (wakeUpAt != at) {
                replaceWakeUp(at, now);
            }
        }

        private void run(Step due, long now, Runner self) {
            if (!due.claim()) {
                return; // cancelled: it neither ran late nor cost anything
            }
            lastLateness = now - due.at;
            lastLatenessAt = now;
            self.stepStartedAt = now;
            try {
                due.run();
            } finally {
                self.stepStartedAt = IDLE;
                long took = clock.getAsLong() - now;
                stepNanos += (took - stepNanos) / 32;
            }
        }
    }

    /** A task running a lane's steps: when its current step started, or {@link #IDLE} between steps. */
    private final class Runner {
        private volatile long stepStartedAt = IDLE;

        boolean stuck(long now) {
            long started = stepStartedAt;
            return started != IDLE && now - started > stallNanos;
        }
    }

    /** A step waiting for its time; cancelling it only marks it, and its lane drops it when it comes due. */
    private static final class Step implements Timeout, Comparable<Step> {
        private final Runnable command;
        private final long at;
        private final long order;
        /** Taken once: by the lane to run the step, or by {@link #cancel()}. */
        private final AtomicBoolean claimed = new AtomicBoolean();

        Step(Runnable command, long at, long order) {
            this.command = command;
            this.at = at;
            this.order = order;
        }

        /** Takes the step for running; false if it was cancelled. */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Runs a claimed step. */
        void run() {
            try {
                command.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "A timed step failed", e);
            }
        }

        @Override
        public boolean cancel() {
            return claimed.compareAndSet(false, true);
        }

        @Override
        public int compareTo(Step other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
