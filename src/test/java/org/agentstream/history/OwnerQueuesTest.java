package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The owners take turns on the history executor, each owner's tasks in the order asked. */
class OwnerQueuesTest {

    private final List<Runnable> workers = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();

    private void ask(OwnerQueues queues, String owner, int count) {
        for (int i = 0; i < count; i++) {
            String name = owner + i;
            queues.execute(owner, () -> ran.add(name));
        }
    }

    @Test
    void anOwnerWithAThousandTasksWaitingDelaysAnotherOwnersTaskByOneTask() {
        OwnerQueues queues = new OwnerQueues(workers::add, 1);
        ask(queues, "flood", 1000);
        ask(queues, "alice", 2);

        assertEquals(1, workers.size(), "one worker at most");
        runWorkers();

        assertEquals(List.of("flood0", "alice0", "flood1", "alice1", "flood2"), ran.subList(0, 5));
        assertEquals(1002, ran.size(), "every task ran");
        List<String> floods = ran.stream().filter(name -> name.startsWith("flood")).toList();
        assertEquals("flood0", floods.get(0));
        assertEquals("flood999", floods.get(999), "each owner's tasks in the order asked");
        assertEquals(0, queues.waiting());
    }

    @Test
    void atMostTheWorkersItWasGivenRunAtOnce() {
        OwnerQueues queues = new OwnerQueues(workers::add, 3);
        ask(queues, "a", 1);
        ask(queues, "b", 1);
        ask(queues, "c", 1);
        ask(queues, "d", 5);

        assertEquals(3, workers.size());
        runWorkers();
        assertEquals(8, ran.size());
        assertEquals(0, queues.waiting());
    }

    @Test
    void tasksTheExecutorRefusesRunOnTheCallerSoNoneIsLeftWaiting() {
        OwnerQueues queues = new OwnerQueues(task -> {
            throw new RejectedExecutionException("shutting down");
        }, 2);

        queues.execute("alice", () -> ran.add("stored at shutdown"));
        assertEquals(List.of("stored at shutdown"), ran);
        assertEquals(0, queues.waiting());
    }

    @Test
    void oneOwnersSlowTasksLeaveAWorkerForAnotherOwner() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch aliceRan = new CountDownLatch(1);
        try {
            OwnerQueues queues = new OwnerQueues(threads, 2);
            for (int i = 0; i < 5; i++) {
                queues.execute("slow", () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            queues.execute("alice", aliceRan::countDown);

            assertTrue(aliceRan.await(10, TimeUnit.SECONDS), "alice's task ran while the slow owner's were held");
            assertEquals(4, queues.waiting(), "the slow owner had one worker: one task running, four waiting");
        } finally {
            release.countDown();
            threads.shutdown();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWorkerGivesItsThreadBackAfterItsTurnAndComesBack() {
        OwnerQueues queues = new OwnerQueues(workers::add, 1);
        ask(queues, "flood", 100);

        workers.remove(0).run();
        assertEquals(64, ran.size(), "one turn's tasks");
        assertEquals(1, workers.size(), "then it queued itself again");
        runWorkers();
        assertEquals(100, ran.size());
    }

    /** A transaction as the repository runs one: what ran in it is kept only when nothing in it threw. */
    private final class Transactions {
        final List<List<String>> committed = new ArrayList<>();
        List<String> open;

        void run(Runnable work) {
            open = new ArrayList<>();
            try {
                work.run();
                committed.add(open);
            } finally {
                open = null;
            }
        }

        CompletableFuture<String> write(OwnerQueues queues, String owner, String name) {
            return queues.write(owner, () -> {
                if (name.startsWith("bad")) {
                    throw new IllegalStateException("constraint violated by " + name);
                }
                open.add(name);
                return name;
            });
        }
    }

    @Test
    void writesOfManyOwnersWaitingTogetherShareOneTransactionAndCompleteOnlyOnceItCommitted() {
        Transactions transactions = new Transactions();
        OwnerQueues queues = new OwnerQueues(workers::add, 1, transactions::run);
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (String owner : List.of("alice", "bob", "carol")) {
            writes.add(transactions.write(queues, owner, owner + "'s reply"));
        }
        queues.execute("dan", () -> ran.add("dan's read"));
        writes.add(transactions.write(queues, "erin", "erin's reply"));

        assertFalse(writes.get(0).isDone(), "nothing runs before a worker does");
        runWorkers();

        assertEquals(List.of(List.of("alice's reply", "bob's reply", "carol's reply", "erin's reply")),
                transactions.committed, "the writes at the queues' heads in one transaction; a read is in none");
        assertEquals(List.of("dan's read"), ran);
        assertEquals(List.of("alice's reply", "bob's reply", "carol's reply", "erin's reply"),
                writes.stream().map(CompletableFuture::join).toList());
    }

    @Test
    void aWriteThatFailsItsTransactionFailsAloneAndTheOthersAreStoredEachInTheirOwn() {
        Transactions transactions = new Transactions();
        OwnerQueues queues = new OwnerQueues(workers::add, 1, transactions::run);
        CompletableFuture<String> alice = transactions.write(queues, "alice", "alice's reply");
        CompletableFuture<String> mallory = transactions.write(queues, "mallory", "bad reply");
        CompletableFuture<String> bob = transactions.write(queues, "bob", "bob's reply");

        runWorkers();

        assertEquals(List.of(List.of("alice's reply"), List.of("bob's reply")), transactions.committed,
                "the shared transaction rolled back; each write ran again alone");
        assertEquals("alice's reply", alice.join());
        assertEquals("bob's reply", bob.join());
        assertTrue(mallory.isCompletedExceptionally());
    }

    @Test
    void aCommitThatFailsWithACheckedExceptionFailsItsWritesAndLeavesTheWorkerFree() {
        List<String> committed = new ArrayList<>();
        OwnerQueues queues = new OwnerQueues(workers::add, 1, work -> {
            work.run();
            throw OwnerQueuesTest.<RuntimeException>sneaky(new Exception("RollbackException at commit"));
        });
        CompletableFuture<String> alice = queues.write("alice", () -> "alice's reply");
        CompletableFuture<String> bob = queues.write("bob", () -> "bob's reply");

        runWorkers();
        queues.execute("carol", () -> committed.add("carol's read"));
        runWorkers();

        assertTrue(alice.isCompletedExceptionally(), "its transaction never committed");
        assertTrue(bob.isCompletedExceptionally());
        assertEquals(List.of("carol's read"), committed, "the worker went on with the next task");
        assertEquals(0, queues.waiting());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable checked) throws T {
        throw (T) checked;
    }

    @Test
    void aTransactionHoldsAtMostItsShareOfWrites() {
        Transactions transactions = new Transactions();
        OwnerQueues queues = new OwnerQueues(workers::add, 1, transactions::run);
        int owners = OwnerQueues.WRITES_PER_TRANSACTION + 5;
        for (int i = 0; i < owners; i++) {
            transactions.write(queues, "owner" + i, "reply" + i);
        }

        runWorkers();

        assertEquals(List.of(OwnerQueues.WRITES_PER_TRANSACTION, 5),
                transactions.committed.stream().map(List::size).toList());
    }

    private void runWorkers() {
        while (!workers.isEmpty()) {
            workers.remove(0).run();
        }
    }
}
