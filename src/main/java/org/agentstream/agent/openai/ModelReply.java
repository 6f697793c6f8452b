package org.agentstream.agent.openai;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.OneSubscriber;
import org.agentstream.agent.Turn;
import org.agentstream.timing.Demand;
import org.agentstream.timing.DrainLoop;
import org.agentstream.timing.StepTimer;

/**
 * One streamed chat completion, as a publisher of its tokens. The model pushes tokens as they come (LangChain4j
 * calls back on the managed thread that reads the stream); they wait here until the subscriber asks for them. A
 * cancel closes the HTTP stream to the model server; so does a model that sends no token within the stall timeout,
 * which fails the reply. Tokens received before a failure are still delivered before it.
 */
final class ModelReply implements Flow.Publisher<String>, Flow.Subscription, StreamingChatResponseHandler {

    private final OpenAiAgentConfig config;
    private final AgentRequest request;
    private final ModelConnection connection;
    private final StepTimer timer;
    private final LongSupplier nanoClock;
    private final ModelObserver observer;

    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final Queue<String> tokens = new ConcurrentLinkedQueue<>();
    private final Demand demand = new Demand();
    private final DrainLoop loop = new DrainLoop();
    private final Runnable emitDue = this::emitDue;
    private final AtomicBoolean modelDone = new AtomicBoolean();
    private final AtomicBoolean callEnded = new AtomicBoolean();
    private volatile Flow.Subscriber<? super String> subscriber;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private volatile boolean terminated;
    private volatile long lastHeardNanos;
    private volatile StepTimer.Timeout watchdog;
    private volatile StreamingHandle streamingHandle;
    /** When the model was called, until its first token came; then {@link #HEARD}. */
    private volatile long calledNanos = HEARD;
    private static final long HEARD = Long.MIN_VALUE;

    ModelReply(OpenAiAgentConfig config, AgentRequest request, ModelConnection connection,
            StepTimer timer, LongSupplier nanoClock) {
        this(config, request, connection, timer, nanoClock, ModelObserver.NONE);
    }

    ModelReply(OpenAiAgentConfig config, AgentRequest request, ModelConnection connection,
            StepTimer timer, LongSupplier nanoClock, ModelObserver observer) {
        this.config = config;
        this.request = request;
        this.connection = connection;
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.observer = observer;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
        if (!OneSubscriber.claim(subscribed, subscriber)) {
            return;
        }
        this.subscriber = subscriber;
        subscriber.onSubscribe(this);
        if (cancelled) {
            return;
        }
        lastHeardNanos = nanoClock.getAsLong();
        calledNanos = lastHeardNanos;
        watch(config.stallTimeout().toNanos());
        try {
            model().chat(chatRequest(), this);
        } catch (RuntimeException refused) {
            finish(ModelFailures.describe(refused, config.baseUrl()));
        }
    }

    private OpenAiStreamingChatModel model() {
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(connection.builder())
                .baseUrl(config.baseUrl())
                .apiKey(config.apiKey())
                .modelName(config.model())
                .temperature(config.temperature())
                .build();
    }

    /** The system prompt, the newest {@code historyTurns} earlier turns (oldest first), then the user's message. */
    private ChatRequest chatRequest() {
        List<Turn> history = request.history();
        List<Turn> earlier = history.subList(Math.max(0, history.size() - config.historyTurns()), history.size());
        List<ChatMessage> messages = new ArrayList<>(earlier.size() + 2);
        if (config.systemPrompt() != null) {
            messages.add(SystemMessage.from(config.systemPrompt()));
        }
        for (Turn turn : earlier) {
            messages.add("assistant".equals(turn.role()) ? AiMessage.from(turn.content())
                    : UserMessage.from(turn.content()));
        }
        messages.add(UserMessage.from(request.content()));
        return ChatRequest.builder().messages(messages).build();
    }

    @Override
    public void request(long n) {
        try {
            demand.add(n);
        } catch (IllegalArgumentException invalid) {
            tokens.clear();
            failure = invalid;
            modelDone.set(true);
            stopModel();
        }
        loop.run(emitDue);
    }

    @Override
    public void cancel() {
        cancelled = true;
        tokens.clear();
        stopModel();
        callEnded(new CancellationException("the reply was cancelled"));
    }

    /** The observer hears once that the model call is over. */
    private void callEnded(Throwable failure) {
        if (callEnded.compareAndSet(false, true)) {
            observer.ended(failure);
        }
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        streamingHandle = context.streamingHandle();
        if (cancelled || modelDone.get()) {
            streamingHandle.cancel();
            return;
        }
        lastHeardNanos = nanoClock.getAsLong();
        long called = calledNanos;
        if (called != HEARD) {
            calledNanos = HEARD; // the model's callbacks come one at a time, on the thread that reads its stream
            observer.firstToken(lastHeardNanos - called);
        }
        tokens.add(partial.text());
        loop.run(emitDue);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        TokenUsage usage = response.tokenUsage();
        if (usage != null && usage.inputTokenCount() != null && usage.outputTokenCount() != null) {
            observer.usage(usage.inputTokenCount(), usage.outputTokenCount());
        }
        finish(null);
    }

    @Override
    public void onError(Throwable error) {
        finish(ModelFailures.describe(error, config.baseUrl()));
    }

    /** The model is done, or has failed: whatever it sent still goes out first. */
    private void finish(Throwable problem) {
        if (cancelled || !modelDone.compareAndSet(false, true)) {
            return;
        }
        failure = problem;
        callEnded(problem);
        if (problem == null) {
            cancelWatchdog();
        } else {
            stopModel();
        }
        loop.run(emitDue);
    }

    private void stopModel() {
        cancelWatchdog();
        StreamingHandle handle = streamingHandle;
        if (handle != null) {
            handle.cancel();
        }
        connection.close();
    }

    private void watch(long delayNanos) {
        try {
            watchdog = timer.newTimeout(this::checkSilence, delayNanos);
        } catch (RejectedExecutionException shuttingDown) {
            finish(new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "the server is shutting down", shuttingDown));
        }
    }

    private void checkSilence() {
        if (cancelled || modelDone.get()) {
            return;
        }
        long limit = config.stallTimeout().toNanos();
        long silent = nanoClock.getAsLong() - lastHeardNanos;
        if (silent >= limit) {
            finish(new AgentFailure(AgentFailure.Kind.MODEL_TIMEOUT, "the model sent nothing for "
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

    /** Emits what is due; runs on one thread at a time ({@link DrainLoop}). */
    private void emitDue() {
        while (!cancelled && !terminated) {
            boolean done = modelDone.get();
            if (demand.any()) {
                String token = tokens.poll();
                if (token != null) {
                    demand.took();
                    subscriber.onNext(token);
                    continue;
                }
            }
            if (done && tokens.isEmpty()) {
                terminated = true;
                Throwable problem = failure;
                if (problem == null) {
                    subscriber.onComplete();
                } else {
                    subscriber.onError(problem);
                }
            }
            return;
        }
    }
}
