package org.agentstream.timing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a drain pass on one thread at a time without a lock (the work-in-progress counter of Reactive Streams
 * libraries): a thread that asks while another one drains only counts as missed work, and the draining thread
 * makes one more pass for it, so no signal is lost and a pass never recurses into itself.
 */
public final class DrainLoop {

    private final AtomicInteger wip = new AtomicInteger();

    /** Runs {@code pass} until no work was missed, or leaves it to the thread that is draining already. */
    public void run(Runnable pass) {
        if (enter()) {
            drain(pass);
        }
    }

    /**
     * Claims the loop: true if the caller now owns it and must call {@link #drain}; false if the owner will make
     * another pass instead. Lets a caller do something between claiming and draining.
     */
    public boolean enter() {
        return wip.getAndIncrement() == 0;
    }

    /** Makes passes until no work was missed; only the owner (see {@link #enter}) calls it. */
    public void drain(Runnable pass) {
        int missed = 1;
        do {
            pass.run();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
