package org.agentstream.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.StepTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One tool call on an executor: its result, bounded in size, and its failures as error results. */
class ToolRunTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LinkedBlockingQueue<ReplyEvent.ToolResult> results = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private ReplyEvent.ToolResult run(Supplier<ToolExecutionResult> call) throws InterruptedException {
        ToolRun.start("call_1", call, Duration.ofSeconds(10), pool, StepTimer.on(scheduler), results::add);
        ReplyEvent.ToolResult result = results.poll(10, TimeUnit.SECONDS);
        assertNotNull(result, "the call ended");
        return result;
    }

    @Test
    void aLongResultIsTruncatedAndSaysHowLongItWas() throws Exception {
        ReplyEvent.ToolResult result = run(() -> ToolExecutionResult.builder().resultText("x".repeat(100_000))
                .build());

        assertTrue(result.ok());
        assertEquals("x".repeat(ToolRun.MAX_RESULT) + "… (truncated, 100000 characters)", result.result());
    }

    @Test
    void aResultUpToTheBoundIsKeptWhole() throws Exception {
        String whole = "y".repeat(ToolRun.MAX_RESULT);
        assertEquals(whole, run(() -> ToolExecutionResult.builder().resultText(whole).build()).result());
    }

    @Test
    void aRefusedCallsLongReasonIsTruncatedToo() {
        ToolRun.refused("call_2", "z".repeat(20_000), results::add);

        assertEquals(ToolRun.MAX_RESULT + "… (truncated, 20000 characters)".length(), results.peek().result()
                .length());
    }

    @Test
    void aToolThatOverflowsItsStackGivesAnErrorResultAtOnceNotATimeout() throws Exception {
        ReplyEvent.ToolResult result = run(() -> {
            throw new StackOverflowError();
        });

        assertFalse(result.ok());
        assertEquals(StackOverflowError.class.getName(), result.result());
    }
}
