package org.agentstream.testing.doubles;

import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agentstream.timing.StepTimer;

/**
 * A timer on virtual time for deterministic unit tests: nothing runs until the test advances the clock, and then
 * every due step runs on the test's thread in time order.
 */
public final class VirtualScheduler implements StepTimer {

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;
    private long now;
    private int scheduled;
    private boolean refusing;

    /** From now on every new step is refused, as by an executor whose queue is full. */
    public synchronized void refuseNewWork() {
        refusing = true;
    }

    public synchronized long nanoTime() {
        return now;
    }

    /** How many steps were ever scheduled. */
    public synchronized int scheduledCount() {
        return scheduled;
    }

    @Override
    public synchronized Timeout newTimeout(Runnable step, long delayNanos) {
        if (refusing) {
            throw new RejectedExecutionException("this timer takes no more work");
        }
        Task task = new Task(step, now + Math.max(0, delayNanos), ++sequence);
        tasks.add(task);
        scheduled++;
        return task;
    }

    /** Schedules {@code step} {@code delay} from now, for tests that play an agent or a client. */
    public Timeout schedule(Runnable step, long delay, TimeUnit unit) {
        return newTimeout(step, unit.toNanos(delay));
    }

    /** Runs every step due up to {@code now + nanos}, advancing the clock to each step's time. */
    public void advance(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.at > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.at);
            }
            next.run();
        }
    }

    /** Runs steps until none is left or {@code limitNanos} of virtual time has passed. */
    public void runUntilIdle(long limitNanos) {
        long end;
        synchronized (this) {
            end = now + limitNanos;
        }
        while (true) {
            long due;
            synchronized (this) {
                tasks.removeIf(Task::isCancelled);
                if (tasks.isEmpty() || tasks.peek().at > end) {
                    return;
                }
                due = tasks.peek().at - now;
            }
            advance(Math.max(0, due));
        }
    }

    private static final class Task implements Timeout, Comparable<Task> {
        private final Runnable step;
        private final long at;
        private final long order;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile boolean cancelled;

        Task(Runnable step, long at, long order) {
            this.step = step;
            this.at = at;
            this.order = order;
        }

        void run() {
            if (claimed.compareAndSet(false, true)) {
                step.run();
            }
        }

        boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            boolean first = claimed.compareAndSet(false, true);
            if (first) {
                cancelled = true;
            }
            return first;
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
