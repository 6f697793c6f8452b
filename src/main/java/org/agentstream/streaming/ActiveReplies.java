package org.agentstream.streaming;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many admitted replies are streaming on the server, under a limit, and a wait for none to be (for
 * {@code /status?awaitIdleMs=}, so a test or an operator can see the server settle without polling).
 */
final class ActiveReplies {

    private final AtomicInteger count = new AtomicInteger();
    private final Object idle = new Object();

    /** Takes a place if fewer than {@code limit} are taken. */
    boolean tryTake(int limit) {
        if (count.incrementAndGet() > limit) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (count.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    int count() {
        return count.get();
    }

    /** Waits until no reply streams, for at most {@code timeout}; true if that happened. */
    boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
