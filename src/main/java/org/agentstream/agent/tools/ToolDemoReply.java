package org.agentstream.agent.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.BufferedReply;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.ReplyEventJson;
import org.agentstream.timing.StepTimer;

/**
 * One reply of {@code tool-demo}, as a script of steps run one after the other: an event after a gap (on the timer,
 * holding no thread), a tool call through the {@link ToolBox} (the next step when its result is in), or more steps
 * made from the results so far. Cancelling stops the pending step or the running tool.
 */
final class ToolDemoReply implements Flow.Publisher<ReplyEvent> {

    /** One step of the script. */
    private sealed interface Step {
    }

    private record Emit(ReplyEvent event) implements Step {
    }

    private record Call(ToolExecutionRequest request, Consumer<ReplyEvent.ToolResult> seen) implements Step {
    }

    private record Then(Supplier<List<Step>> steps) implements Step {
    }

    private final ToolBox tools;
    private final Duration timeout;
    private final long gapNanos;
    private final StepTimer timer;
    private final String message;
    private final String expression;
    private final Deque<Step> script = new ArrayDeque<>();
    private final BufferedReply<ReplyEvent> out = new BufferedReply<>(this::next, this::stop);
    private volatile StepTimer.Timeout pending;
    private volatile ToolRun running;
    private volatile ReplyEvent.ToolResult time;
    private volatile ReplyEvent.ToolResult value;

    ToolDemoReply(ToolBox tools, String expression, Duration timeout, Duration gap, StepTimer timer,
            String message) {
        this.tools = tools;
        this.timeout = timeout;
        this.gapNanos = gap.toNanos();
        this.timer = timer;
        this.message = message == null ? "" : message;
        this.expression = expression;
        String clock = "call_" + UUID.randomUUID().toString().substring(0, 8);
        String calculator = "call_" + UUID.randomUUID().toString().substring(0, 8);
        call(clock, "clock", List.of("{\"zone\"", ": \"UTC\"", "}"), result -> time = result);
        String quoted = ReplyEventJson.provider().createValue(expression).toString(); // a JSON string, escaped
        int half = quoted.length() / 2;
        call(calculator, "calculator", List.of("{\"expression\": ", quoted.substring(0, half),
                quoted.substring(half), "}"), result -> value = result);
        script.add(new Then(this::answer));
    }

    private void call(String callId, String tool, List<String> argumentDeltas,
            Consumer<ReplyEvent.ToolResult> seen) {
        argumentDeltas.forEach(delta -> script.add(new Emit(new ReplyEvent.ToolCall(callId, tool, delta))));
        script.add(new Call(ToolExecutionRequest.builder().id(callId).name(tool)
                .arguments(String.join("", argumentDeltas)).build(), seen));
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ReplyEvent> subscriber) {
        out.subscribe(subscriber);
    }

    /** The answer, word by word, from both results; then what it used. */
    private List<Step> answer() {
        String text = (time.ok() ? "It is " + time.result() + " (UTC). " : "The clock failed: " + time.result() + ". ")
                + (value.ok() ? "And " + expression + " = " + value.result() + "."
                        : "The calculator failed: " + value.result() + ".");
        List<Step> steps = new ArrayList<>();
        String[] words = text.split("(?<= )");
        for (String word : words) {
            steps.add(new Emit(new ReplyEvent.Text(word)));
        }
        steps.add(new Emit(new ReplyEvent.Usage(ToolDemoAgent.NAME, wordsIn(message), words.length, "stop")));
        return steps;
    }

    private static int wordsIn(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    /** Runs the next step; steps follow one another, never two at once. */
    private void next() {
        if (out.ended()) {
            return;
        }
        Step step = script.poll();
        try {
            if (step == null) {
                out.complete();
            } else if (step instanceof Then then) {
                List<Step> more = then.steps().get();
                for (int i = more.size() - 1; i >= 0; i--) {
                    script.addFirst(more.get(i));
                }
                next();
            } else if (step instanceof Emit emit) {
                emitAfterGap(emit.event());
            } else if (step instanceof Call call) {
                ToolHandoff handoff = new ToolHandoff();
                ToolRun run = tools.call(call.request(), timeout, result -> {
                    call.seen().accept(result);
                    out.emit(result);
                    if (handoff.resultGoesOn()) {
                        next();
                    }
                });
                running = run; // before the next step can start
                if (out.ended()) {
                    run.cancel();
                } else if (!handoff.started()) {
                    next();
                }
            }
        } catch (RejectedExecutionException shuttingDown) {
            out.fail(new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "the server is shutting down", shuttingDown));
        }
    }

    private void emitAfterGap(ReplyEvent event) {
        if (event instanceof ReplyEvent.Usage || gapNanos == 0) {
            out.emit(event);
            next();
            return;
        }
        pending = timer.newTimeout(() -> {
            out.emit(event);
            next();
        }, gapNanos);
        if (out.ended()) {
            pending.cancel();
        }
    }

    private void stop() {
        StepTimer.Timeout waiting = pending;
        if (waiting != null) {
            waiting.cancel();
        }
        ToolRun tool = running;
        if (tool != null) {
            tool.cancel();
        }
    }
}
