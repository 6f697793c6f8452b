package org.agentstream.testing.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only tools, deployed beside the application's: {@code record} keeps its arguments (so a test sees that the
 * real bean ran), {@code explode} throws, {@code stall} waits until its thread is interrupted (as a timed-out or
 * cancelled call's is) or a minute has passed.
 */
@ApplicationScoped
public class TestTools {

    static final long STALL_LIMIT_SECONDS = 60;

    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger stalled = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final Semaphore interruptions = new Semaphore(0);
    private final Semaphore stalls = new Semaphore(0);
    private final CountDownLatch never = new CountDownLatch(1);

    @Tool(name = "record", value = "Records a note, a number of times, and says so")
    public String record(@P(name = "note", value = "what to record") String note,
            @P(name = "times", value = "how many times") int times) {
        recorded.add(note + " x" + times);
        return "recorded " + note + " " + times + " times";
    }

    @Tool(name = "explode", value = "Always fails")
    public String explode(@P(name = "why", value = "the reason", required = false) String why) {
        throw new IllegalStateException("exploded: " + why);
    }

    @Tool(name = "stall", value = "Never answers")
    public String stall() {
        stalled.incrementAndGet();
        stalls.release();
        try {
            never.await(STALL_LIMIT_SECONDS, TimeUnit.SECONDS);
            return "woke up without an interrupt";
        } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            interruptions.release();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** What {@code record} was called with, in order ("note xTimes"). */
    public List<String> recorded() {
        return List.copyOf(recorded);
    }

    /** How many {@code stall} calls started, and how many of them were interrupted. */
    public int stalled() {
        return stalled.get();
    }

    public int interrupted() {
        return interrupted.get();
    }

    /** Whether a {@code stall} call started within {@code timeout} (each start is seen once). */
    public boolean awaitStall(Duration timeout) throws InterruptedException {
        return stalls.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a {@code stall} call was interrupted within {@code timeout} (each interruption is seen once). */
    public boolean awaitInterrupted(Duration timeout) throws InterruptedException {
        return interruptions.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Back to no calls, for a deployment shared by tests. */
    public void forget() {
        recorded.clear();
        stalled.set(0);
        interrupted.set(0);
        interruptions.drainPermits();
        stalls.drainPermits();
    }
}
