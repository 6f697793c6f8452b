package org.agentstream.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

class StepAlarmTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();
    private final AtomicInteger steps = new AtomicInteger();
    private final StepAlarm alarm = new StepAlarm(time, steps::incrementAndGet);

    @Test
    void oneStepWaitsAtATimeAndTheAlarmIsFreeOnceItRan() {
        StepAlarm.Claim claim = alarm.claim();
        assertNotNull(claim);
        assertNull(alarm.claim(), "a step is being armed");
        alarm.arm(claim, 10 * MS);
        assertNull(alarm.claim(), "a step waits");

        time.advance(10 * MS);
        assertEquals(1, steps.get());
        assertNotNull(alarm.claim());
    }

    @Test
    void stopCancelsTheWaitingStepAndRefusesEveryClaimAfter() {
        alarm.arm(alarm.claim(), 10 * MS);
        alarm.stop();
        time.runUntilIdle(1_000 * MS);

        assertEquals(0, steps.get());
        assertNull(alarm.claim());
    }

    @Test
    void aStepArmedAfterTheAlarmStoppedIsCancelled() {
        StepAlarm.Claim claim = alarm.claim();
        alarm.stop(); // another thread ends the reply while this one arms its next step
        alarm.arm(claim, 10 * MS);
        time.runUntilIdle(1_000 * MS);

        assertEquals(0, steps.get());
    }

    @Test
    void aRefusedArmFreesTheAlarm() {
        time.refuseNewWork();

        assertThrows(RejectedExecutionException.class, () -> alarm.arm(alarm.claim(), 10 * MS));
        assertNotNull(alarm.claim());
    }

    @Test
    void aStepThatRunsBeforeItsArmingReturnedFreesTheAlarm() {
        StepTimer atOnce = (step, delayNanos) -> {
            step.run(); // a timer thread ran it before newTimeout returned
            return () -> false;
        };
        StepAlarm early = new StepAlarm(atOnce, steps::incrementAndGet);
        early.arm(early.claim(), 0);

        assertEquals(1, steps.get());
        assertNotNull(early.claim(), "the step ran: it is not waiting any more");
    }
}
