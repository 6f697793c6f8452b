package org.agentstream.agent.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.Turn;
import org.agentstream.agent.tools.AgentTools;
import org.agentstream.agent.tools.ToolBox;
import org.agentstream.testing.doubles.FakeOpenAiServer;
import org.agentstream.testing.doubles.FakeOpenAiServer.Ending;
import org.agentstream.testing.doubles.FakeOpenAiServer.Exchange;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.doubles.RecordingSubscriber;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.timing.StepTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LangChain4j bridge against a real HTTP server speaking the OpenAI wire format, without a container. */
class ModelReplyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicInteger ioThreads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "model-io-" + ioThreads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final java.net.http.HttpClient http = ModelHttpClient.on(executor);
    private FakeOpenAiServer model;

    @BeforeEach
    void startModel() throws IOException {
        model = FakeOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        model.close();
        timer.shutdownNow();
        executor.shutdownNow();
    }

    private OpenAiAgentConfig config(String baseUrl, Duration stallTimeout) {
        return new OpenAiAgentConfig("gpt", baseUrl, "fake-model", "sk-test", 0.25, "Be brief.", stallTimeout,
                "test model", 2, AgentTools.NONE);
    }

    private Tokens ask(OpenAiAgentConfig config, long initialDemand) {
        return ask(config, initialDemand, List.of());
    }

    private Tokens ask(OpenAiAgentConfig config, long initialDemand, List<Turn> history) {
        Tokens tokens = new Tokens(initialDemand);
        new ModelReply(config, new AgentRequest("Hi there", "conversation", history),
                () -> new ModelConnection(http, executor, WAIT), StepTimer.on(timer), System::nanoTime)
                .subscribe(tokens);
        return tokens;
    }

    /** The first reply in a JVM loads LangChain4j and Jackson; the timing tests must not pay for that. */
    @BeforeAll
    static void warmUp() throws Exception {
        ModelReplyTest warm = new ModelReplyTest();
        warm.startModel();
        try {
            assertNull(warm.ask(warm.config(warm.model.baseUrl(), WAIT), 32).awaitEnd());
        } finally {
            warm.stop();
        }
    }

    @Test
    void itsObserverHearsTheFirstTokenTheUsageAndTheEndOnce() throws Exception {
        model.answer(Script.tokens(List.of("Hello", ", ", "world", "!"), Duration.ofMillis(5)));
        List<String> heard = new CopyOnWriteArrayList<>();
        Tokens tokens = new Tokens(32);
        new ModelReply(config(model.baseUrl(), WAIT), new AgentRequest("Hi there", null, List.of()),
                () -> new ModelConnection(http, executor, WAIT), StepTimer.on(timer), System::nanoTime,
                new ModelObserver() {
                    @Override
                    public void firstToken(long nanos) {
                        heard.add(nanos > 0 ? "first token" : "first token at " + nanos);
                    }

                    @Override
                    public void usage(long inputTokens, long outputTokens) {
                        heard.add("usage " + inputTokens + " in, " + outputTokens + " out");
                    }

                    @Override
                    public void ended(Throwable failure) {
                        heard.add("ended " + failure);
                    }
                }, ToolBox.NONE).subscribe(tokens);

        assertNull(tokens.awaitEnd(), "completed without error");
        assertEquals(List.of("first token", "usage 5 in, 4 out", "ended null"), heard);
    }

    @Test
    void streamsTheModelsTokensInOrderThenCompletes() throws Exception {
        model.answer(Script.tokens(List.of("Hello", ", ", "world", "!"), Duration.ofMillis(5)));
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32);

        assertNull(tokens.awaitEnd(), "completed without error");
        assertEquals(List.of("Hello", ", ", "world", "!"), tokens.texts());
        JsonObject request = model.awaitExchange(WAIT).request();
        assertEquals("fake-model", request.getString("model"));
        assertTrue(request.getBoolean("stream"));
        assertEquals(0.25, request.getJsonNumber("temperature").doubleValue());
        assertEquals("system", request.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertEquals("Be brief.", request.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals("user", request.getJsonArray("messages").getJsonObject(1).getString("role"));
        assertEquals("Hi there", request.getJsonArray("messages").getJsonObject(1).getString("content"));
    }

    @Test
    void earlierTurnsGoBetweenTheSystemPromptAndTheMessageUpToHistoryTurns() throws Exception {
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32, List.of(new Turn("user", "gpt", "My name is Ada."),
                new Turn("assistant", "gpt", "Hello Ada."), new Turn("user", "gpt", "I like tea."),
                new Turn("assistant", "gpt", "Noted.")));
        assertNull(tokens.awaitEnd());

        List<String> messages = model.awaitExchange(WAIT).request().getJsonArray("messages").stream()
                .map(JsonValue::asJsonObject)
                .map(message -> message.getString("role") + ": " + message.getString("content")).toList();
        assertEquals(List.of("system: Be brief.", "user: I like tea.", "assistant: Noted.", "user: Hi there"), messages,
                "the two newest earlier turns (history-turns 2), oldest first");
    }

    @Test
    void sendsTheKeyAsABearerToken() throws Exception {
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32);
        assertNull(tokens.awaitEnd());
        assertEquals("Bearer sk-test", model.awaitExchange(WAIT).authorization());
    }

    @Test
    void tokensAreReadOnTheGivenExecutor() throws Exception {
        model.answer(Script.tokens(20, Duration.ofMillis(2)));
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32);

        assertNull(tokens.awaitEnd());
        assertEquals(20, tokens.texts().size());
        assertTrue(tokens.threads().stream().allMatch(name -> name.startsWith("model-io-")),
                "every token was handed over on the executor's threads: " + tokens.threads());
    }

    @Test
    void tokensWaitForDemandAndArriveInOrder() throws Exception {
        model.answer(Script.tokens(10, Duration.ZERO));
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 3);

        assertEquals(Ending.COMPLETED, model.awaitExchange(WAIT).awaitEnding(WAIT), "the model streamed it all");
        for (int i = 0; i < 3; i++) {
            assertEquals("t" + i + " ", tokens.nextText());
        }
        assertNull(tokens.poll(Duration.ofMillis(100)), "nothing beyond the demand");
        tokens.subscription().request(100);
        assertNull(tokens.awaitEnd());
        assertEquals(10, tokens.texts().size());
        assertEquals("t9 ", tokens.texts().get(9));
    }

    @Test
    void cancelClosesTheConnectionToTheModelServer() throws Exception {
        model.answer(Script.tokens(1000, Duration.ofMillis(10)));
        Tokens tokens = ask(config(model.baseUrl(), WAIT), Long.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            tokens.nextText();
        }
        tokens.subscription().cancel();
        long cancelled = System.nanoTime();

        Exchange exchange = model.awaitExchange(WAIT);
        assertEquals(Ending.CLIENT_CLOSED, exchange.awaitEnding(WAIT));
        assertTrue(exchange.tokenNanos().size() < 1000, "stopped early");
        System.out.printf("[cancel] model server saw the connection close %.1f ms after the cancel%n",
                (exchange.endedNanos() - cancelled) / 1e6);
    }

    @Test
    void cancelBeforeTheFirstTokenStillClosesTheConnection() throws Exception {
        model.answer(Script.tokens(List.of(), Duration.ZERO).thenStall());
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32);
        Exchange exchange = model.awaitExchange(WAIT);
        tokens.subscription().cancel();

        assertEquals(Ending.CLIENT_CLOSED, exchange.awaitEnding(WAIT));
        assertTrue(tokens.texts().isEmpty());
    }

    @Test
    void aModelThatGoesSilentFailsWithATimeoutAndIsDisconnected() throws Exception {
        // the watchdog runs on virtual time, so the stall is counted only once the tokens are in, however slow the
        // machine is to deliver them
        VirtualScheduler time = new VirtualScheduler();
        model.answer(Script.tokens(3, Duration.ofMillis(5)).thenStall());
        Tokens tokens = new Tokens(32);
        new ModelReply(config(model.baseUrl(), Duration.ofMillis(500)), new AgentRequest("Hi there", null, null),
                () -> new ModelConnection(http, executor, WAIT), time, time::nanoTime).subscribe(tokens);
        assertEquals(List.of("t0 ", "t1 ", "t2 "), List.of(tokens.nextText(), tokens.nextText(), tokens.nextText()));
        time.advance(Duration.ofMillis(499).toNanos());
        assertFalse(tokens.ended(), "not stopped before 500 ms of silence");
        time.advance(Duration.ofMillis(1).toNanos());

        AgentFailure failure = assertInstanceOf(AgentFailure.class, tokens.awaitEnd());
        assertEquals(AgentFailure.Kind.MODEL_TIMEOUT, failure.kind());
        assertEquals("the model sent nothing for 500 ms; the reply was stopped", failure.getMessage());
        assertEquals(List.of("t0 ", "t1 ", "t2 "), tokens.texts(), "what came before the stall is kept");
        assertEquals(Ending.CLIENT_CLOSED, model.awaitExchange(WAIT).awaitEnding(WAIT));
    }

    @Test
    void aStreamCutMidReplyFailsAndKeepsWhatCameBefore() throws Exception {
        CountDownLatch cut = new CountDownLatch(1);
        model.answer(Script.tokens(4, Duration.ofMillis(100)).thenCutWhen(cut));
        Tokens tokens = ask(config(model.baseUrl(), WAIT), 32);
        assertEquals(List.of("t0 ", "t1 ", "t2 ", "t3 "),
                List.of(tokens.nextText(), tokens.nextText(), tokens.nextText(), tokens.nextText()));
        cut.countDown();

        AgentFailure failure = assertInstanceOf(AgentFailure.class, tokens.awaitEnd());
        assertEquals(AgentFailure.Kind.AGENT_FAILED, failure.kind());
        assertTrue(failure.getMessage().startsWith("the connection to the model server broke off"),
                failure.getMessage());
        assertEquals(List.of("t0 ", "t1 ", "t2 ", "t3 "), tokens.texts());
    }

    @Test
    void errorStatusesAreNamedWithTheServersMessage() throws Exception {
        assertFailure(401, "Incorrect API key provided: sk-test.", AgentFailure.Kind.MODEL_AUTH,
                "model server returned 401 Unauthorized: Incorrect API key provided: sk-test.");
        assertFailure(429, "Rate limit reached for requests", AgentFailure.Kind.MODEL_RATE_LIMITED,
                "model server returned 429 Too Many Requests: Rate limit reached for requests");
        assertFailure(500, "The server had an error while processing your request.", AgentFailure.Kind.AGENT_FAILED,
                "model server returned 500 Internal Server Error: The server had an error while processing your "
                        + "request.");
        assertFailure(503, "Overloaded", AgentFailure.Kind.MODEL_UNAVAILABLE,
                "model server returned 503 Service Unavailable: Overloaded");
    }

    private void assertFailure(int status, String message, AgentFailure.Kind kind, String expected) throws Exception {
        model.answer(Script.error(status, message, "test_error"));
        AgentFailure failure = assertInstanceOf(AgentFailure.class,
                ask(config(model.baseUrl(), WAIT), 32).awaitEnd());
        assertEquals(kind, failure.kind());
        assertEquals(expected, failure.getMessage());
    }

    @Test
    void aModelServerThatIsDownIsNamedUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AgentFailure failure = assertInstanceOf(AgentFailure.class,
                ask(config("http://127.0.0.1:" + port + "/v1", WAIT), 32).awaitEnd());
        assertEquals(AgentFailure.Kind.MODEL_UNAVAILABLE, failure.kind());
        assertTrue(failure.getMessage().startsWith("cannot connect to the model server at 127.0.0.1:" + port),
                failure.getMessage());
    }

    /** A subscriber that records tokens, their threads, and how the reply ended. */
    /** Hears a reply's events; its tokens are the text ones. */
    private static final class Tokens extends RecordingSubscriber<ReplyEvent> {
        Tokens(long initialDemand) {
            super(initialDemand, WAIT);
        }

        /** The next text token; anything else before it is skipped. */
        String nextText() throws InterruptedException {
            while (true) {
                if (next() instanceof ReplyEvent.Text text) {
                    return text.delta();
                }
            }
        }

        List<String> texts() {
            return received().stream().filter(ReplyEvent.Text.class::isInstance).map(ReplyEvent.Text.class::cast)
                    .map(ReplyEvent.Text::delta).toList();
        }
    }
}
