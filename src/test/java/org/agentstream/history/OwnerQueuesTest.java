package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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

    private void runWorkers() {
        while (!workers.isEmpty()) {
            workers.remove(0).run();
        }
    }
}
