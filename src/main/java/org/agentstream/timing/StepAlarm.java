package org.agentstream.timing;

import java.util.concurrent.RejectedExecutionException;

/**
 * The one step a task waits for on a {@link StepTimer}, armed outside the caller's lock: a {@link #claim} decides that
 * the step will be armed (under the caller's lock if it likes), {@link #arm} arms it after, and {@link #stop} cancels
 * it for good, whether it is armed yet or not. When the step runs, the alarm is free for the next claim.
 */
public final class StepAlarm {

    private final StepTimer timer;
    private final Runnable step;
    /** The claim being armed or waiting, or null; guarded by this. */
    private Claim pending;
    private boolean stopped;

    /** One wait for the step, armed at most once. */
    public static final class Claim {
        private StepTimer.Timeout armed;

        private Claim() {
        }
    }

    public StepAlarm(StepTimer timer, Runnable step) {
        this.timer = timer;
        this.step = step;
    }

    /** Claims the alarm, to be {@linkplain #arm armed} by the caller; null if a step is pending or it stopped. */
    public synchronized Claim claim() {
        if (pending != null || stopped) {
            return null;
        }
        pending = new Claim();
        return pending;
    }

    /**
     * Arms {@code claim} to run the step {@code delayNanos} from now, unless the alarm stopped since it was claimed.
     *
     * @throws RejectedExecutionException when the timer takes no more work; the alarm is free again
     */
    public void arm(Claim claim, long delayNanos) {
        StepTimer.Timeout armed;
        try {
            armed = timer.newTimeout(() -> ring(claim), delayNanos);
        } catch (RejectedExecutionException refused) {
            release(claim);
            throw refused;
        }
        boolean kept;
        synchronized (this) {
            kept = pending == claim;
            if (kept) {
                claim.armed = armed;
            }
        }
        if (!kept) {
            armed.cancel(); // it ran already, or the alarm stopped meanwhile
        }
    }

    /** Cancels the pending step, armed or not, and refuses every claim from now on. */
    public void stop() {
        StepTimer.Timeout armed;
        synchronized (this) {
            stopped = true;
            armed = pending == null ? null : pending.armed;
            pending = null;
        }
        if (armed != null) {
            armed.cancel();
        }
    }

    private void ring(Claim claim) {
        release(claim);
        step.run();
    }

    private synchronized void release(Claim claim) {
        if (pending == claim) {
            pending = null;
        }
    }
}
