package org.agentstream.timing;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in the order they were given, on an executor's threads: a queue that one task at a time
 * drains ({@link DrainLoop}), so the thread that gives a task never runs it and never waits for it. With no executor
 * left (the server stops), the tasks are dropped.
 */
public final class SerialTasks implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialTasks.class.getName());

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final DrainLoop loop = new DrainLoop();
    private final Executor executor;
    private final Runnable drain;

    public SerialTasks(Executor executor) {
        this(executor, UnaryOperator.identity());
    }

    /**
     * {@code context} wraps, once, the task that drains the queue: for instance with the context of the thread that
     * makes this, when the threads that give tasks have none of their own.
     */
    public SerialTasks(Executor executor, UnaryOperator<Runnable> context) {
        this.executor = executor;
        this.drain = context.apply(() -> loop.drain(this::runQueued));
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (loop.enter()) {
            try {
                executor.execute(drain);
            } catch (RejectedExecutionException stopping) {
                LOG.log(Level.FINE, "The executor takes no more work: queued tasks are dropped", stopping);
                loop.drain(tasks::clear);
            }
        }
    }

    private void runQueued() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A task failed", e);
            }
        }
    }
}
