package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.agentstream.testing.VirtualScheduler;
import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler managed = new VirtualScheduler();
    private final Pacer pacer = new Pacer(managed, 2, MS, managed::nanoTime);
    private final List<String> ran = new ArrayList<>();

    private void step(String name, long delayMs) {
        pacer.schedule(() -> {
            ran.add(name + "@" + managed.nanoTime() / MS);
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    @Test
    void stepsRunInTimeOrderOnTheTickAtOrAfterTheirTime() {
        step("c", 10);
        step("a", 0);
        step("b", 5);
        step("d", 10);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("a@0", "b@5", "c@10", "d@10"), ran);
    }

    @Test
    void thousandsOfWaitingStepsCostOneManagedTaskPerLane() {
        for (int i = 0; i < 5_000; i++) {
            step("s" + i, i % 20);
        }
        managed.runUntilIdle(100 * MS);

        assertEquals(5_000, ran.size());
        assertEquals(2, managed.scheduledCount(), "one periodic task per lane, not one task per step");
    }

    @Test
    void anIdleLaneStopsTickingAndStartsAgainWhenNeeded() {
        step("first", 3);
        managed.runUntilIdle(100 * MS);
        assertEquals(List.of("first@3"), ran);
        int tickersSoFar = managed.scheduledCount();

        managed.advance(50 * MS);
        assertEquals(tickersSoFar, managed.scheduledCount(), "nothing ticks while nothing waits");
        step("second", 2);
        step("third", 2);
        managed.runUntilIdle(100 * MS);

        assertTrue(ran.containsAll(List.of("second@55", "third@55")), ran.toString());
    }

    @Test
    void aCancelledStepNeverRuns() {
        ScheduledFuture<?> cancelled = pacer.schedule(() -> {
            ran.add("cancelled");
        }, 5, TimeUnit.MILLISECONDS);
        step("kept", 5);
        assertTrue(cancelled.cancel(false));
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("kept@5"), ran);
    }

    @Test
    void aLaneStuckOnOneSendDelaysNothingElse() throws Exception {
        ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(2);
        AtomicLong clock = new AtomicLong();
        Pacer twoLanes = new Pacer(threads, 2, MS, clock::get);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch queuedBehind = new CountDownLatch(3);
        CountDownLatch scheduledLater = new CountDownLatch(10);
        try {
            twoLanes.schedule(() -> {
                blocked.countDown();
                awaitQuietly(release);
            }, 0, TimeUnit.MILLISECONDS);
            // lane 1 gets a step far ahead, so it keeps ticking; lane 0 then queues three behind the stuck one
            twoLanes.schedule(() -> { }, 1, TimeUnit.HOURS);
            for (int i = 0; i < 3; i++) {
                twoLanes.schedule(queuedBehind::countDown, 2, TimeUnit.MILLISECONDS);
                twoLanes.schedule(() -> { }, 1, TimeUnit.HOURS);
            }
            assertTrue(blocked.await(5, TimeUnit.SECONDS), "the stuck step runs");
            clock.set(20 * MS);
            for (int i = 0; i < 10; i++) {
                twoLanes.schedule(scheduledLater::countDown, 0, TimeUnit.MILLISECONDS);
            }

            assertTrue(queuedBehind.await(5, TimeUnit.SECONDS), "steps queued behind the stuck one ran elsewhere");
            assertTrue(scheduledLater.await(5, TimeUnit.SECONDS), "new steps avoid the stuck lane");
            assertEquals(1, release.getCount(), "all of it while the stuck step was still stuck");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailingStepDoesNotStopTheLane() {
        Runnable failing = () -> {
            throw new IllegalStateException("boom");
        };
        pacer.schedule(failing, 1, TimeUnit.MILLISECONDS);
        pacer.schedule(failing, 1, TimeUnit.MILLISECONDS);
        step("after", 2);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("after@2"), ran);
    }
}
