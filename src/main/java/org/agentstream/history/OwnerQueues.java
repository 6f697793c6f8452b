package org.agentstream.history;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs database tasks on the history executor fairly between owners: each owner's tasks wait in a queue of their
 * own, and at most {@code parallelism} workers take one task at a time from the owners in turn, so an owner who
 * queued thousands of tasks delays another owner's next task by one task per worker, not by their whole queue. One
 * owner's tasks hold at most all workers but one, so another owner never waits for a worker held by slow tasks.
 */
final class OwnerQueues {

    private static final Logger LOG = Logger.getLogger(OwnerQueues.class.getName());
    /** Tasks one worker runs before it gives its thread back to the executor and queues itself again. */
    private static final int TASKS_PER_TURN = 64;

    private final Executor executor;
    private final int parallelism;
    private final int perOwner;
    /** Each owner's waiting tasks, in the order asked; guarded by this. */
    private final Map<String, ArrayDeque<Runnable>> queues = new HashMap<>();
    /** Each owner's tasks running now; guarded by this. */
    private final Map<String, Integer> running = new HashMap<>();
    /** The owners with a waiting task, in turn; each at most once; guarded by this. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    /** Workers started on the executor and not yet ended; guarded by this. */
    private int workers;

    OwnerQueues(Executor executor, int parallelism) {
        this.executor = executor;
        this.parallelism = Math.max(1, parallelism);
        this.perOwner = Math.max(1, this.parallelism - 1);
    }

    /** The executor that runs a task for {@code owner}, for {@code CompletableFuture}'s async stages. */
    Executor forOwner(String owner) {
        return task -> execute(owner, task);
    }

    /** Queues {@code task} behind the owner's earlier ones, and starts a worker if one more may run. */
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
        start();
    }

    /**
     * Starts a worker that was counted in. When the executor refuses it (it is shutting down) and no other worker
     * is left to take the tasks, they run here, so none is left waiting for good.
     */
    private void start() {
        try {
            executor.execute(this::work);
        } catch (RejectedExecutionException refused) {
            boolean last;
            synchronized (this) {
                last = workers == 1;
                if (!last) {
                    workers--;
                }
            }
            if (last) {
                LOG.log(Level.FINE, "The history executor takes no more work; its queued tasks run on the caller");
                work();
            }
        }
    }

    /**
     * A worker: runs one task of each owner in turn (an owner at its share of workers waits its next turn), until
     * none waits or it has had its turn on the executor's thread.
     */
    private void work() {
        for (int done = 0; ; done++) {
            String owner;
            Runnable task;
            synchronized (this) {
                owner = done < TASKS_PER_TURN ? next() : null;
                if (owner == null) {
                    if (turns.isEmpty() || done < TASKS_PER_TURN) {
                        workers--;
                        return;
                    }
                    break; // more waits: queue this worker again, after whatever else the executor has
                }
                ArrayDeque<Runnable> queue = queues.get(owner);
                task = queue.poll();
                if (queue.isEmpty()) {
                    queues.remove(owner);
                } else {
                    turns.add(owner);
                }
                running.merge(owner, 1, Integer::sum);
            }
            try {
                task.run();
            } catch (RuntimeException | Error failure) {
                LOG.log(Level.WARNING, "A history task failed outside its future", failure);
            } finally {
                synchronized (this) {
                    running.computeIfPresent(owner, (key, count) -> count == 1 ? null : count - 1);
                }
            }
        }
        start();
    }

    /** Takes the first owner in turn that has fewer than its share of workers running; guarded by this. */
    private String next() {
        for (Iterator<String> owners = turns.iterator(); owners.hasNext();) {
            String owner = owners.next();
            if (running.getOrDefault(owner, 0) < perOwner) {
                owners.remove();
                return owner;
            }
        }
        return null;
    }

    /** Tasks waiting, over all owners (for tests). */
    synchronized int waiting() {
        return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
