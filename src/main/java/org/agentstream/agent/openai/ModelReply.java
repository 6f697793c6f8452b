package org.agentstream.agent.openai;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.BufferedReply;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.Turn;
import org.agentstream.agent.tools.ToolBox;
import org.agentstream.agent.tools.ToolHandoff;
import org.agentstream.agent.tools.ToolRun;
import org.agentstream.timing.StepTimer;

/**
 * One reply of a remote model, as a publisher of its events: the model's text, reasoning and tool calls as they
 * stream (LangChain4j calls back on the managed thread that reads the stream), the tools' results, and what the
 * model used. When the model asks for tools, they run through the reply's {@link ToolBox} one after the other, and
 * the model is called again with their results, up to {@code max-tool-rounds} times; one more ask fails the reply,
 * as does an answer with more than {@code max-tool-calls} calls.
 * Events wait in a {@link BufferedReply} until the subscriber asks. A cancel closes the HTTP stream to the model
 * server and stops a running tool; so does a model that sends nothing within the stall timeout while it is being
 * called, which fails the reply. Events received before a failure are still delivered before it.
 */
final class ModelReply implements Flow.Publisher<ReplyEvent> {

    private final OpenAiAgentConfig config;
    private final AgentRequest request;
    private final Supplier<ModelConnection> connections;
    private final StepTimer timer;
    private final LongSupplier nanoClock;
    private final ModelObserver observer;
    private final ToolBox tools;
    private final BufferedReply<ReplyEvent> out = new BufferedReply<>(this::start, this::stop);
    private final AtomicBoolean callEnded = new AtomicBoolean();

    /** The conversation sent to the model; grows by each tool round. Touched by one round or tool at a time. */
    private final List<ChatMessage> messages = new ArrayList<>();
    private final Deque<ToolExecutionRequest> toolsToCall = new ArrayDeque<>();
    private int toolRounds;
    private Integer inputTokens;
    private Integer outputTokens;
    private volatile Round round;
    private volatile ToolRun runningTool;
    private volatile long lastHeardNanos;
    private volatile StepTimer.Timeout watchdog;
    /** When the model was called, until its first token came; then {@link #HEARD}. */
    private volatile long calledNanos = HEARD;
    private static final long HEARD = Long.MIN_VALUE;

    ModelReply(OpenAiAgentConfig config, AgentRequest request, Supplier<ModelConnection> connections,
            StepTimer timer, LongSupplier nanoClock) {
        this(config, request, connections, timer, nanoClock, ModelObserver.NONE, ToolBox.NONE);
    }

    ModelReply(OpenAiAgentConfig config, AgentRequest request, Supplier<ModelConnection> connections,
            StepTimer timer, LongSupplier nanoClock, ModelObserver observer, ToolBox tools) {
        this.config = config;
        this.request = request;
        this.connections = connections;
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.observer = observer;
        this.tools = tools;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ReplyEvent> subscriber) {
        out.subscribe(subscriber);
    }

    private void start() {
        messages.addAll(conversation());
        calledNanos = nanoClock.getAsLong();
        callModel();
    }

    /** The system prompt, the newest {@code historyTurns} earlier turns (oldest first), then the user's message. */
    private List<ChatMessage> conversation() {
        List<Turn> history = request.history();
        List<Turn> earlier = history.subList(Math.max(0, history.size() - config.historyTurns()), history.size());
        List<ChatMessage> start = new ArrayList<>(earlier.size() + 2);
        if (config.systemPrompt() != null) {
            start.add(SystemMessage.from(config.systemPrompt()));
        }
        for (Turn turn : earlier) {
            start.add("assistant".equals(turn.role()) ? AiMessage.from(turn.content())
                    : UserMessage.from(turn.content()));
        }
        start.add(UserMessage.from(request.content()));
        return start;
    }

    /** One round: the model is sent the conversation so far (and told about the tools), and streams its answer. */
    private void callModel() {
        if (out.ended()) {
            return;
        }
        Round next = new Round(connections.get());
        round = next;
        lastHeardNanos = nanoClock.getAsLong();
        watch(config.stallTimeout().toNanos());
        ChatRequest.Builder chat = ChatRequest.builder().messages(List.copyOf(messages));
        if (!tools.isEmpty()) {
            chat.toolSpecifications(tools.specifications());
        }
        try {
            model(next.connection).chat(chat.build(), next);
        } catch (RuntimeException refused) {
            fail(ModelFailures.describe(refused, config.baseUrl()));
        }
        if (out.ended()) {
            next.stop(); // cancelled while the call was being made
        }
    }

    private OpenAiStreamingChatModel model(ModelConnection connection) {
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(connection.builder())
                .baseUrl(config.baseUrl())
                .apiKey(config.apiKey())
                .modelName(config.model())
                .temperature(config.temperature())
                .returnThinking(true)
                .build();
    }

    /** Anything came from the model: the stall clock restarts, and the observer hears of the first token. */
    private void heard() {
        lastHeardNanos = nanoClock.getAsLong();
        long called = calledNanos;
        if (called != HEARD) {
            calledNanos = HEARD; // the model's callbacks come one at a time, on the thread that reads its stream
            observer.firstToken(lastHeardNanos - called);
        }
    }

    /** The model answered a round: either it asked for tools, or it is done. */
    private void answered(ChatResponse response) {
        cancelWatchdog();
        TokenUsage usage = response.tokenUsage();
        if (usage != null) {
            inputTokens = sum(inputTokens, usage.inputTokenCount());
            outputTokens = sum(outputTokens, usage.outputTokenCount());
        }
        AiMessage answer = response.aiMessage();
        if (answer == null || !answer.hasToolExecutionRequests()) {
            if (inputTokens != null && outputTokens != null) {
                observer.usage(inputTokens, outputTokens);
            }
            out.emit(new ReplyEvent.Usage(response.modelName() == null ? config.model() : response.modelName(),
                    inputTokens, outputTokens, finishReason(response.finishReason())));
            callEnded(null);
            out.complete();
            return;
        }
        if (toolRounds >= config.tools().maxRounds()) {
            fail(new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "the model asked for tools again after "
                    + toolRounds + " rounds of tool calls, the most one reply may make (max-tool-rounds)"));
            return;
        }
        if (answer.toolExecutionRequests().size() > config.tools().maxCalls()) {
            fail(new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "the model asked for "
                    + answer.toolExecutionRequests().size() + " tool calls in one answer, more than the "
                    + config.tools().maxCalls() + " one answer may make (max-tool-calls)"));
            return;
        }
        toolRounds++;
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (ToolExecutionRequest asked : answer.toolExecutionRequests()) {
            requests.add(asked.id() != null ? asked
                    : asked.toBuilder().id(callId(null, toolRounds, requests.size())).build());
        }
        messages.add(answer.toBuilder().toolExecutionRequests(requests).build());
        toolsToCall.addAll(requests);
        callNextTool(round.announced);
    }

    /**
     * Runs the tools the model asked for, one after the other; when none is left, calls the model again with their
     * results. A result that comes at once (a refused call) goes on in this loop, not by recursion.
     */
    private void callNextTool(Set<String> announced) {
        while (!out.ended()) {
            ToolExecutionRequest call = toolsToCall.poll();
            if (call == null) {
                callModel();
                return;
            }
            if (announced.add(call.id())) {
                out.emit(new ReplyEvent.ToolCall(call.id(), Objects.requireNonNullElse(call.name(), ""),
                        call.arguments()));
            }
            ToolHandoff handoff = new ToolHandoff();
            ToolRun run = tools.call(call, config.tools().timeout(), result -> {
                out.emit(result);
                messages.add(ToolExecutionResultMessage.builder().id(call.id()).toolName(call.name())
                        .text(result.ok() ? result.result() : "error: " + result.result()).isError(!result.ok())
                        .build());
                if (handoff.resultGoesOn()) {
                    callNextTool(announced);
                }
            });
            runningTool = run;
            if (out.ended()) {
                run.cancel();
                return;
            }
            if (handoff.started()) {
                return; // its result goes on
            }
        }
    }

    private static Integer sum(Integer sofar, Integer more) {
        return more == null ? sofar : sofar == null ? more : sofar + more;
    }

    /** As OpenAI names it. */
    private static String finishReason(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case TOOL_EXECUTION -> "tool_calls";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }

    /** A call's id: the model's, or one made from its round and place when the model gave none. */
    private static String callId(String given, int toolRound, int index) {
        return given != null ? given : "call-" + toolRound + "-" + index;
    }

    /** The subscriber cancelled (or broke Flow's rules): the model's stream and any running tool stop. */
    private void stop() {
        stopWork();
        callEnded(new CancellationException("the reply was cancelled"));
    }

    /** The model is done, or has failed: whatever it sent still goes out first. */
    private void fail(Throwable problem) {
        if (out.ended()) {
            return;
        }
        stopWork();
        callEnded(problem);
        out.fail(problem);
    }

    private void stopWork() {
        cancelWatchdog();
        Round current = round;
        if (current != null) {
            current.stop();
        }
        ToolRun tool = runningTool;
        if (tool != null) {
            tool.cancel();
        }
    }

    /** The observer hears once that the model call is over. */
    private void callEnded(Throwable failure) {
        if (callEnded.compareAndSet(false, true)) {
            observer.ended(failure);
        }
    }

    private void watch(long delayNanos) {
        try {
            watchdog = timer.newTimeout(this::checkSilence, delayNanos);
        } catch (RejectedExecutionException shuttingDown) {
            fail(new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "the server is shutting down", shuttingDown));
        }
    }

    /** While a round streams, the model may be silent for no longer than the stall timeout. */
    private void checkSilence() {
        Round current = round;
        if (out.ended() || current == null || current.over) {
            return;
        }
        long limit = config.stallTimeout().toNanos();
        long silent = nanoClock.getAsLong() - lastHeardNanos;
        if (silent >= limit) {
            fail(new AgentFailure(AgentFailure.Kind.MODEL_TIMEOUT, "the model sent nothing for "
                    + config.stallTimeout().toMillis() + " ms; the reply was stopped"));
        } else {
            watch(limit - silent);
        }
    }

    private void cancelWatchdog() {
        StepTimer.Timeout pending = watchdog;
        if (pending != null) {
            pending.cancel();
        }
    }

    /**
     * One call of the model, on a connection of its own; its callbacks come one at a time on the thread that reads
     * its stream. A callback of a round that is over, or of a reply that ended, is ignored.
     */
    private final class Round implements StreamingChatResponseHandler {
        private final ModelConnection connection;
        /** The calls whose arguments were streamed as {@link ReplyEvent.ToolCall}s already. */
        private final Set<String> announced = new HashSet<>();
        private volatile StreamingHandle handle;
        private volatile boolean over;

        Round(ModelConnection connection) {
            this.connection = connection;
        }

        /** Whether this callback is to be ignored; the stream is dropped if the reply has ended. */
        private boolean stale(StreamingHandle streaming) {
            if (streaming != null) {
                handle = streaming;
            }
            if (over || out.ended() || round != this) {
                if (streaming != null && out.ended()) {
                    streaming.cancel();
                }
                return true;
            }
            return false;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (!stale(context.streamingHandle())) {
                heard();
                out.emit(new ReplyEvent.Text(partial.text()));
            }
        }

        @Override
        public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
            if (!stale(context.streamingHandle())) {
                heard();
                out.emit(new ReplyEvent.Reasoning(thinking.text()));
            }
        }

        @Override
        public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
            if (!stale(context.streamingHandle())) {
                heard();
                String id = callId(call.id(), toolRounds + 1, call.index());
                announced.add(id);
                out.emit(new ReplyEvent.ToolCall(id, Objects.requireNonNullElse(call.name(), ""),
                        call.partialArguments()));
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            if (!stale(null)) {
                over = true;
                answered(response);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!stale(null)) {
                over = true;
                fail(ModelFailures.describe(error, config.baseUrl()));
            }
        }

        void stop() {
            over = true;
            StreamingHandle streaming = handle;
            if (streaming != null) {
                streaming.cancel();
            }
            connection.close();
        }
    }
}
