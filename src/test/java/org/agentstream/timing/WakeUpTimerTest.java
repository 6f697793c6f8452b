package org.agentstream.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

class WakeUpTimerTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler managed = new VirtualScheduler();
    private final WakeUpTimer timer = new WakeUpTimer(managed, 1, 0, 5 * MS, managed::nanoTime);
    private final List<String> ran = new ArrayList<>();

    private StepTimer.Timeout step(String name, long delayMs) {
        return timer.newTimeout(() -> ran.add(name + "@" + managed.nanoTime() / MS), delayMs * MS);
    }

    @Test
    void stepsRunInTimeOrderAtTheirTimeNeverEarlier() {
        step("c", 10);
        step("a", 0);
        step("b", 5);
        step("d", 10);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("a@0", "b@5", "c@10", "d@10"), ran);
    }

    @Test
    void thousandsOfWaitingStepsCostAWakeUpPerDueTimeNotPerStep() {
        for (int i = 0; i < 5_000; i++) {
            step("s" + i, i % 20);
        }
        managed.runUntilIdle(100 * MS);

        assertEquals(5_000, ran.size());
        assertTrue(managed.scheduledCount() <= 2 * 20,
                "at most a wake-up and a guard per due time, not one per step: " + managed.scheduledCount());
    }

    @Test
    void nothingWakesWhileNothingIsDue() {
        step("first", 3);
        managed.runUntilIdle(100 * MS);
        assertEquals(List.of("first@3"), ran);
        int wakeUpsSoFar = managed.scheduledCount();

        managed.advance(1_000 * MS);
        assertEquals(wakeUpsSoFar, managed.scheduledCount(), "no wake-up while nothing waits");
        step("second", 2);
        step("third", 2);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("first@3", "second@1005", "third@1005"), ran);
    }

    @Test
    void aStepEarlierThanTheArmedWakeUpRunsOnTime() {
        step("late", 50);
        step("late2", 50);
        step("early", 5);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("early@5", "late@50", "late2@50"), ran);
    }

    @Test
    void aCancelledStepNeverRuns() {
        StepTimer.Timeout cancelled = step("cancelled", 5);
        step("kept", 5);
        assertTrue(cancelled.cancel());
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("kept@5"), ran);
        assertFalse(cancelled.cancel(), "a step is cancelled once");
    }

    @Test
    void aRefusedWakeUpLeavesTheArmedOneInPlace() {
        step("waiting", 50);
        managed.refuseNewWork();
        assertThrows(RejectedExecutionException.class, () -> step("refused", 0), "the container takes no more work");
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("waiting@50"), ran, "the step armed before still runs at its time");
    }

    @Test
    void aDelayOfCenturiesIsNeverAndDoesNotOverflow() {
        step("now", 0);
        timer.newTimeout(() -> ran.add("never"), Long.MAX_VALUE);
        managed.runUntilIdle(1_000 * MS);

        assertEquals(List.of("now@0"), ran);
    }

    @Test
    void aFailingStepDoesNotStopTheLane() {
        Runnable failing = () -> {
            throw new IllegalStateException("boom");
        };
        timer.newTimeout(failing, MS);
        timer.newTimeout(failing, MS);
        step("after", 2);
        managed.runUntilIdle(100 * MS);

        assertEquals(List.of("after@2"), ran);
    }

    @Test
    void theLagIsHowLongTheOldestDueStepHasWaitedOrHowLateTheLastOneRan() {
        AtomicLong clock = new AtomicLong();
        WakeUpTimer lagging = new WakeUpTimer(managed, 1, 0, 5 * MS, clock::get);
        lagging.newTimeout(() -> ran.add("due"), 0);
        assertEquals(0, lagging.lagNanos());

        clock.set(80 * MS);
        assertEquals(80 * MS, lagging.lagNanos(), "the step has waited 80 ms past its time");
        managed.advance(0);
        assertEquals(List.of("due"), ran);
        assertEquals(80 * MS, lagging.lagNanos(), "it ran 80 ms late, a moment ago");

        clock.set(300 * MS);
        assertEquals(0, lagging.lagNanos(), "nothing late lately");
    }

    @Test
    void itsRoomIsThreeQuartersOfALanesTimeAtTheMeasuredCostOfAStep() {
        AtomicLong spent = new AtomicLong();
        WakeUpTimer measured = new WakeUpTimer(managed, 1, 0, 5 * MS, () -> managed.nanoTime() + spent.get());
        assertTrue(measured.hasRoomFor(1_000_000, 10 * MS), "no cost measured yet");
        for (int i = 0; i < 300; i++) {
            measured.newTimeout(() -> spent.addAndGet(MS), 0);
        }
        managed.runUntilIdle(100 * MS);

        assertEquals(MS, measured.stepNanos(), MS / 50, "each step held its task 1 ms");
        assertTrue(measured.hasRoomFor(7, 10 * MS), "7 steps of 1 ms every 10 ms fit in 7.5 ms");
        assertFalse(measured.hasRoomFor(8, 10 * MS), "8 do not");
    }

    @Test
    void stepsDueWithinTheSlackShareOneWakeUp() throws Exception {
        ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(2);
        CountDownLatch allAdded = new CountDownLatch(1);
        // no wake-up runs before the test has added every step, however slowly this machine adds them
        StepTimer gated = (step, delayNanos) -> StepTimer.on(threads).newTimeout(() -> {
            awaitQuietly(allAdded);
            step.run();
        }, delayNanos);
        WakeUpTimer slack = new WakeUpTimer(gated, 1, MS, 5 * MS, System::nanoTime);
        CountDownLatch allRan = new CountDownLatch(50);
        try {
            for (int i = 0; i < 50; i++) {
                slack.newTimeout(allRan::countDown, 2 * MS + i * 20_000L);
            }
            allAdded.countDown();
            assertTrue(allRan.await(5, TimeUnit.SECONDS), "every step ran");
            assertTrue(slack.wakeUpsArmed() <= 10, "steps 20 µs apart share wake-ups: " + slack.wakeUpsArmed());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aLaneStuckOnOneSendDelaysNothingElse() throws Exception {
        ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(3);
        WakeUpTimer twoLanes = new WakeUpTimer(StepTimer.on(threads), 2, 0, 5 * MS, System::nanoTime);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch queuedBehind = new CountDownLatch(3);
        CountDownLatch scheduledLater = new CountDownLatch(10);
        try {
            twoLanes.newTimeout(() -> {
                blocked.countDown();
                awaitQuietly(release);
            }, 0);
            // lane 0 gets the stuck step and three more behind it; lane 1 gets steps far ahead
            twoLanes.newTimeout(() -> { }, TimeUnit.HOURS.toNanos(1));
            for (int i = 0; i < 3; i++) {
                twoLanes.newTimeout(queuedBehind::countDown, 2 * MS);
                twoLanes.newTimeout(() -> { }, TimeUnit.HOURS.toNanos(1));
            }
            assertTrue(blocked.await(5, TimeUnit.SECONDS), "the stuck step runs");
            assertTrue(queuedBehind.await(5, TimeUnit.SECONDS), "steps queued behind the stuck one ran elsewhere");
            for (int i = 0; i < 10; i++) {
                twoLanes.newTimeout(scheduledLater::countDown, 0);
            }

            assertTrue(scheduledLater.await(5, TimeUnit.SECONDS), "new steps run while one is stuck");
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
}
