package org.agentstream.timing;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a step once, after a delay, on the container's threads: what a waiting reply or a paced agent holds instead of
 * a sleeping thread. As small as Netty's {@code Timer}: schedule a step, cancel it when it is no longer wanted.
 */
@FunctionalInterface
public interface StepTimer {

    /**
     * Runs {@code step} once, {@code delayNanos} from now or a little later, never earlier.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the container takes no more work
     */
    Timeout newTimeout(Runnable step, long delayNanos);

    /** A step waiting for its time. */
    @FunctionalInterface
    interface Timeout {
        /** The step will not run; false if it has run or is running already. */
        boolean cancel();
    }

    /** Every step as a task of its own on {@code executor}. */
    static StepTimer on(ScheduledExecutorService executor) {
        return (step, delayNanos) -> {
            ScheduledFuture<?> task = executor.schedule(step, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> task.cancel(false);
        };
    }
}
