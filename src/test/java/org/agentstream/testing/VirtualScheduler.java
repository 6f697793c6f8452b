package org.agentstream.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler on virtual time for deterministic unit tests: nothing runs until the test advances the clock, and
 * then every due task runs on the test's thread in time order.
 */
public final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private long now;
    private int scheduled;
    private boolean refusing;

    /** From now on every new task is refused, as by an executor whose queue is full. */
    public synchronized void refuseNewWork() {
        refusing = true;
    }

    public synchronized long nanoTime() {
        return now;
    }

    /** How many timers were ever scheduled. */
    public synchronized int scheduledCount() {
        return scheduled;
    }

    /** Runs every task due up to {@code now + nanos}, advancing the clock to each task's time. */
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
            if (!next.isCancelled()) {
                next.run();
            }
        }
    }

    /** Runs tasks until none is left or {@code limitNanos} of virtual time has passed. */
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

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (refusing) {
            throw new java.util.concurrent.RejectedExecutionException("this scheduler takes no more work");
        }
        Task task = new Task(command, now + Math.max(0, unit.toNanos(delay)), sequence.incrementAndGet(), 0);
        tasks.add(task);
        scheduled++;
        return task;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    /** Runs {@code command} every period until cancelled; counts as one scheduled timer. */
    @Override
    public synchronized ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
            TimeUnit unit) {
        Task task = new Task(command, now + Math.max(0, unit.toNanos(initialDelay)), sequence.incrementAndGet(),
                unit.toNanos(period));
        tasks.add(task);
        scheduled++;
        return task;
    }

    private synchronized void reschedule(Task task) {
        if (!task.isCancelled()) {
            tasks.add(task.next());
        }
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

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

    private final class Task implements ScheduledFuture<Object> {
        private final Runnable command;
        private final long at;
        private final long order;
        private final long period;
        private volatile boolean cancelled;
        private volatile boolean done;
        private Task successor;

        Task(Runnable command, long at, long order, long period) {
            this.command = command;
            this.at = at;
            this.order = order;
            this.period = period;
        }

        Task next() {
            successor = new Task(command, at + period, sequence.incrementAndGet(), period);
            successor.cancelled = cancelled;
            return successor;
        }

        void run() {
            done = period == 0;
            command.run();
            if (period > 0) {
                reschedule(this);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task task = (Task) other;
            int byTime = Long.compare(at, task.at);
            return byTime != 0 ? byTime : Long.compare(order, task.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            if (successor != null) {
                successor.cancel(mayInterruptIfRunning);
            }
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
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
