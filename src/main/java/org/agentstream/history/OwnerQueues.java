package org.agentstream.history;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs database tasks on the history executor fairly between owners: each owner's tasks wait in a queue of their
 * own, and at most {@code parallelism} workers take one task at a time from the owners in turn, so an owner who
 * queued thousands of tasks delays another owner's next task by one task per worker, not by their whole queue.
 */
final class OwnerQueues {

    private static final Logger LOG = Logger.getLogger(OwnerQueues.class.getName());

    private final Executor executor;
    private final int parallelism;
    /** Each owner's waiting tasks, in the order asked; guarded by this. */
    private final Map<String, ArrayDeque<Runnable>> queues = new HashMap<>();
    /** The owners with a waiting task, in turn; each at most once; guarded by this. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    /** Workers running on the executor; guarded by this. */
    private int workers;

    OwnerQueues(Executor executor, int parallelism) {
        this.executor = executor;
        this.parallelism = Math.max(1, parallelism);
    }

    /** The executor that runs a task for {@code owner}, for {@code CompletableFuture}'s async stages. */
    Executor forOwner(String owner) {
        return task -> execute(owner, task);
    }

    /**
     * Queues {@code task} behind the owner's earlier ones. Throws {@link RejectedExecutionException}, with the task
     * taken back, when no worker runs and the executor takes none.
     */
    void execute(String owner, Runnable task) {
        synchronized (this) {
            ArrayDeque<Runnable> queue = queues.computeIfAbsent(owner, key -> new ArrayDeque<>());
            if (queue.isEmpty()) {
                turns.add(owner);
            }
            queue.add(task);
            if (workers >= parallelism) {
                return;
            }
            workers++;
        }
        try {
            executor.execute(this::work);
        } catch (RejectedExecutionException refused) {
            synchronized (this) {
                workers--;
                if (workers > 0) {
                    return; // a running worker takes the task in its turn
                }
                ArrayDeque<Runnable> queue = queues.get(owner);
                if (queue != null && queue.removeLastOccurrence(task) && queue.isEmpty()) {
                    queues.remove(owner);
                    turns.remove(owner);
                }
            }
            throw refused;
        }
    }

    /** A worker: one task of the owner whose turn it is, that owner to the back of the line, until none waits. */
    private void work() {
        while (true) {
            Runnable task;
            synchronized (this) {
                String owner = turns.poll();
                if (owner == null) {
                    workers--;
                    return;
                }
                ArrayDeque<Runnable> queue = queues.get(owner);
                task = queue.poll();
                if (queue.isEmpty()) {
                    queues.remove(owner);
                } else {
                    turns.add(owner);
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error failure) {
                LOG.log(Level.WARNING, "A history task failed outside its future", failure);
            }
        }
    }

    /** Tasks waiting, over all owners (for tests). */
    synchronized int waiting() {
        return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
