package org.agentstream.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs database tasks on the history executor fairly between owners: each owner's tasks wait in a queue of their
 * own, and at most {@code parallelism} workers take one task at a time from the owners in turn, so an owner who
 * queued thousands of tasks delays another owner's next task by one task per worker, not by their whole queue. One
 * owner's tasks hold at most all workers but one, so another owner never waits for a worker held by slow tasks.
 *
 * <p><b>Group commit.</b> A {@linkplain #write write} may share one transaction with other owners' writes: a worker
 * that takes a write also takes the writes waiting at the head of the next owners' queues, in their turn, up to
 * {@link #WRITES_PER_TRANSACTION}, runs them all in one transaction, and only then completes them, so no one hears of a
 * write before it is committed. When that transaction fails, each of its writes runs again in a transaction of its
 * own, so one failing write costs the others only the retry. A write is a repository call that leaves nothing behind
 * when its transaction rolls back. A write waits for the slowest write of its transaction (the conversations' locks
 * are taken only by their owners' writes, so no other owner can make it slow).
 */
final class OwnerQueues {

    private static final Logger LOG = Logger.getLogger(OwnerQueues.class.getName());
    /** Tasks one worker runs before it gives its thread back to the executor and queues itself again. */
    private static final int TASKS_PER_TURN = 64;
    /** Writes, of as many owners, that one transaction holds at most. */
    static final int WRITES_PER_TRANSACTION = 32;

    /** A task waiting in an owner's queue: {@code run} alone, or a write that may share a transaction. */
    private record Job(Runnable run, Write<?> write) {
    }

    /** A write and its result, completed once its transaction committed. */
    private static final class Write<T> {
        private final Supplier<T> work;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;

        Write(Supplier<T> work) {
            this.work = work;
        }

        /** Runs the write within the caller's transaction; its result waits for the commit. */
        void runInTransaction() {
            result = work.get();
        }

        void committed() {
            done.complete(result);
        }

        /**
         * Runs the write in a transaction of its own, and completes with what it gave or how it failed (a commit's
         * failure may come as a checked exception the transaction's interceptor does not wrap).
         */
        void runAlone(Consumer<Runnable> transaction) {
            try {
                transaction.accept(this::runInTransaction);
                committed();
            } catch (Throwable failure) {
                done.completeExceptionally(failure);
            }
        }
    }

    private final Executor executor;
    private final int parallelism;
    private final int perOwner;
    /** Runs its argument in one transaction (the repository's), rolled back and rethrown if it throws. */
    private final Consumer<Runnable> transaction;
    /** Each owner's waiting tasks, in the order asked; guarded by this. */
    private final Map<String, ArrayDeque<Job>> queues = new HashMap<>();
    /** Each owner's tasks running now; guarded by this. */
    private final Map<String, Integer> running = new HashMap<>();
    /** The owners with a waiting task, in turn; each at most once; guarded by this. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    /** Workers started on the executor and not yet ended; guarded by this. */
    private int workers;

    /** Queues whose writes each run in a transaction of their own. */
    OwnerQueues(Executor executor, int parallelism) {
        this(executor, parallelism, Runnable::run);
    }

    /**
     * @param transaction runs its argument in one transaction (rolled back, and the failure rethrown, when it throws);
     *        the writes' repository calls join it
     */
    OwnerQueues(Executor executor, int parallelism, Consumer<Runnable> transaction) {
        this.executor = executor;
        this.parallelism = Math.max(1, parallelism);
        this.perOwner = Math.max(1, this.parallelism - 1);
        this.transaction = transaction;
    }

    /** The executor that runs a task for {@code owner}, for {@code CompletableFuture}'s async stages. */
    Executor forOwner(String owner) {
        return task -> execute(owner, task);
    }

    /** Queues {@code task} behind the owner's earlier ones, and starts a worker if one more may run. */
    void execute(String owner, Runnable task) {
        queue(owner, new Job(task, null));
    }

    /**
     * Queues the write {@code work} behind the owner's earlier tasks; it may run in one transaction with other
     * owners' writes. The result completes once that transaction committed, or fails with the write's own failure.
     */
    <T> CompletableFuture<T> write(String owner, Supplier<T> work) {
        Write<T> write = new Write<>(work);
        queue(owner, new Job(null, write));
        return write.done;
    }

    private void queue(String owner, Job job) {
        synchronized (this) {
            ArrayDeque<Job> queue = queues.computeIfAbsent(owner, key -> new ArrayDeque<>());
            if (queue.isEmpty()) {
                turns.add(owner);
            }
            queue.add(job);
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
     * A worker: runs one task of each owner in turn (an owner at its share of workers waits its next turn), a write
     * with the writes at the head of the next owners' queues, until none waits or it has had its turn on the
     * executor's thread.
     */
    private void work() {
        for (int done = 0; ; ) {
            List<String> owners = new ArrayList<>();
            List<Job> jobs = new ArrayList<>();
            synchronized (this) {
                String owner = done < TASKS_PER_TURN ? next(false) : null;
                if (owner == null) {
                    if (turns.isEmpty() || done < TASKS_PER_TURN) {
                        workers--;
                        return;
                    }
                    break; // more waits: queue this worker again, after whatever else the executor has
                }
                Job first = take(owner, owners, jobs);
                while (first.write() != null && jobs.size() < WRITES_PER_TRANSACTION
                        && (owner = next(true)) != null) {
                    take(owner, owners, jobs);
                }
            }
            done++; // a turn counts tasks run alone and transactions of writes
            try {
                run(jobs);
            } finally {
                synchronized (this) {
                    for (String owner : owners) {
                        running.computeIfPresent(owner, (key, count) -> count == 1 ? null : count - 1);
                    }
                }
            }
        }
        start();
    }

    /** Takes the owner's next task, whose turn it is; guarded by this. */
    private Job take(String owner, List<String> owners, List<Job> jobs) {
        ArrayDeque<Job> queue = queues.get(owner);
        Job job = queue.poll();
        if (queue.isEmpty()) {
            queues.remove(owner);
        } else {
            turns.add(owner);
        }
        running.merge(owner, 1, Integer::sum);
        owners.add(owner);
        jobs.add(job);
        return job;
    }

    /** Runs a task alone, or writes in one transaction and then completes them (each alone if it fails). */
    private void run(List<Job> jobs) {
        if (jobs.get(0).write() == null) {
            try {
                jobs.get(0).run().run();
            } catch (RuntimeException | Error failure) {
                LOG.log(Level.WARNING, "A history task failed outside its future", failure);
            }
            return;
        }
        if (jobs.size() == 1) {
            jobs.get(0).write().runAlone(transaction);
            return;
        }
        try {
            transaction.accept(() -> jobs.forEach(job -> job.write().runInTransaction()));
        } catch (Throwable failure) { // a commit's failure may be a checked exception, unwrapped
            LOG.log(Level.FINE, "A transaction of " + jobs.size() + " writes failed; each runs again alone", failure);
            jobs.forEach(job -> job.write().runAlone(transaction));
            return;
        }
        jobs.forEach(job -> job.write().committed());
    }

    /**
     * Takes the first owner in turn that has fewer than its share of workers running (and, if {@code write}, a write
     * at the head of its queue); guarded by this.
     */
    private String next(boolean write) {
        for (Iterator<String> owners = turns.iterator(); owners.hasNext();) {
            String owner = owners.next();
            if (running.getOrDefault(owner, 0) < perOwner
                    && (!write || queues.get(owner).peek().write() != null)) {
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
