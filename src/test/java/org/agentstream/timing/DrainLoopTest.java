package org.agentstream.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DrainLoopTest {

    private final DrainLoop loop = new DrainLoop();

    @Test
    void aCallFromInsideThePassMakesOneMorePassInsteadOfRecursing() {
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        Runnable[] pass = new Runnable[1];
        pass[0] = () -> {
            assertEquals(1, depth.incrementAndGet(), "passes never nest");
            if (passes.incrementAndGet() < 3) {
                loop.run(pass[0]);
            }
            depth.decrementAndGet();
        };
        loop.run(pass[0]);

        assertEquals(3, passes.get());
    }

    @Test
    void callsWhileTheLoopIsClaimedAreServedByTheOwnersNextPass() {
        AtomicInteger passes = new AtomicInteger();
        assertTrue(loop.enter());
        assertFalse(loop.enter(), "a second caller is only counted");
        loop.run(passes::incrementAndGet);
        loop.drain(passes::incrementAndGet);

        assertEquals(2, passes.get(), "the calls missed before the first pass add one more pass, not one each");
        loop.run(passes::incrementAndGet);
        assertEquals(3, passes.get(), "the loop is free again");
    }

    @Test
    void threadsNeverPassAtOnceAndNoRequestIsLeftUnseen() throws Exception {
        int threads = 4;
        int callsEach = 20_000;
        AtomicLong asked = new AtomicLong();
        AtomicLong seen = new AtomicLong();
        AtomicBoolean inside = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        Runnable pass = () -> {
            if (!inside.compareAndSet(false, true)) {
                overlaps.incrementAndGet();
            }
            seen.set(asked.get());
            inside.set(false);
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < callsEach; i++) {
                    asked.incrementAndGet();
                    loop.run(pass);
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));

        assertEquals(0, overlaps.get());
        assertEquals((long) threads * callsEach, seen.get(), "the last request was seen by a pass after it");
    }
}
