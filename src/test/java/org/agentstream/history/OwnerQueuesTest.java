package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
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
        workers.get(0).run();

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
        workers.forEach(Runnable::run);
        assertEquals(8, ran.size());
        assertEquals(0, queues.waiting());
    }

    @Test
    void aTaskNoWorkerCanTakeIsRefusedAndTakenBack() {
        OwnerQueues queues = new OwnerQueues(task -> {
            throw new RejectedExecutionException("shutting down");
        }, 2);

        assertThrows(RejectedExecutionException.class, () -> queues.execute("alice", () -> ran.add("never")));
        assertEquals(0, queues.waiting());
        assertEquals(List.of(), ran);
    }
}
