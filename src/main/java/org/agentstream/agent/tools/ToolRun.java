package org.agentstream.agent.tools;

import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.StepTimer;

/**
 * One tool call running on the managed executor, bounded in time: it ends once, with the tool's result, with an
 * error result when the tool threw or ran past its timeout (its thread is then interrupted), or silently when the
 * reply cancels it.
 */
public final class ToolRun {

    private static final Logger LOG = Logger.getLogger(ToolRun.class.getName());

    /** The longest result a call gives (to the client, to storage and to the model); the rest is cut off. */
    public static final int MAX_RESULT = 16_000;

    /** Where a call is: running until exactly one of the others; the last two interrupt its thread. */
    private enum Phase { RUNNING, ENDED, TIMED_OUT, CANCELLED }

    private final String callId;
    private final Duration timeout;
    private final Consumer<ReplyEvent.ToolResult> done;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.RUNNING);
    private final long startedNanos = System.nanoTime();
    private volatile Future<?> task;
    private volatile StepTimer.Timeout deadline;

    private ToolRun(String callId, Duration timeout, Consumer<ReplyEvent.ToolResult> done) {
        this.callId = callId;
        this.timeout = timeout;
        this.done = done;
    }

    /** Starts {@code call} on {@code executor}; {@code done} hears its result once, on the thread that ended it. */
    static ToolRun start(String callId, Supplier<ToolExecutionResult> call, Duration timeout,
            ExecutorService executor, StepTimer timer, Consumer<ReplyEvent.ToolResult> done) {
        ToolRun run = new ToolRun(callId, timeout, done);
        try {
            run.deadline = timer.newTimeout(run::timedOut, timeout.toNanos());
            run.task = executor.submit(() -> run.execute(call));
        } catch (RejectedExecutionException busy) {
            run.end(Phase.ENDED, false, "the server takes no more work; the tool was not called");
        }
        Phase now = run.phase.get();
        if (now == Phase.TIMED_OUT || now == Phase.CANCELLED) {
            run.interrupt(); // it timed out or was cancelled before its task was known
        }
        return run;
    }

    /** A call that is not made: {@code done} hears {@code why} as its error result, at once. */
    static ToolRun refused(String callId, String why, Consumer<ReplyEvent.ToolResult> done) {
        ToolRun run = new ToolRun(callId, Duration.ZERO, done);
        run.end(Phase.ENDED, false, why);
        return run;
    }

    /** Ends the call without a result: its thread is interrupted and nothing is reported. */
    public void cancel() {
        if (phase.compareAndSet(Phase.RUNNING, Phase.CANCELLED)) {
            stopDeadline();
            interrupt();
        }
    }


    private void execute(Supplier<ToolExecutionResult> call) {
        try {
            ToolExecutionResult result = call.get();
            end(Phase.ENDED, !result.isError(), result.resultText());
        } catch (RuntimeException | Error failure) { // a StackOverflowError too: an error result, not a timeout
            if (phase.get() == Phase.RUNNING) {
                LOG.log(Level.FINE, "Tool call " + callId + " failed", failure);
            }
            end(Phase.ENDED, false, failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage());
        }
    }

    private void timedOut() {
        if (end(Phase.TIMED_OUT, false, "the tool did not finish within " + timeout.toMillis() + " ms")) {
            interrupt();
        }
    }

    private boolean end(Phase how, boolean ok, String result) {
        if (!phase.compareAndSet(Phase.RUNNING, how)) {
            return false;
        }
        stopDeadline();
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        done.accept(new ReplyEvent.ToolResult(callId, ok, bounded(result), durationMs));
        return true;
    }

    /** At most {@value #MAX_RESULT} characters of {@code text}, then how long it was when it is longer. */
    static String bounded(String text) {
        if (text == null || text.length() <= MAX_RESULT) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(MAX_RESULT - 1)) ? MAX_RESULT - 1 : MAX_RESULT;
        return text.substring(0, cut) + "… (truncated, " + text.length() + " characters)";
    }

    private void stopDeadline() {
        StepTimer.Timeout pending = deadline;
        if (pending != null) {
            pending.cancel();
        }
    }

    private void interrupt() {
        Future<?> running = task;
        if (running != null) {
            running.cancel(true);
        }
    }
}
