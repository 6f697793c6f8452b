package org.agentstream.agent.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.tools.AgentTools;
import org.agentstream.agent.tools.ToolDirectory;
import org.agentstream.testing.doubles.FakeOpenAiServer;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.doubles.RecordingSubscriber;
import org.agentstream.testing.fixtures.ToolsInWeld;
import org.agentstream.testing.tools.TestTools;
import org.agentstream.timing.StepTimer;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A remote model that asks for tools, against the fake OpenAI server: the call's arguments stream as they come, the
 * real CDI tool runs, its result (or error) goes back to the model in the next request, and usage is summed over
 * the rounds; the rounds are bounded and a cancel stops a running tool.
 */
@EnableWeld
class ModelToolCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration GAP = Duration.ofMillis(5);

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final StepTimer timer = StepTimer.on(scheduler);
    private final java.net.http.HttpClient http = ModelHttpClient.on(pool);
    private FakeOpenAiServer model;

    @WeldSetup
    WeldInitiator weld = ToolsInWeld.with(timer, pool).build();

    @Inject
    ToolDirectory tools;

    @Inject
    TestTools testTools;

    @BeforeEach
    void startModel() throws IOException {
        model = FakeOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        model.close();
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private RecordingSubscriber<ReplyEvent> ask(AgentTools offered, long demand) {
        return ask(offered, demand, WAIT);
    }

    private RecordingSubscriber<ReplyEvent> ask(AgentTools offered, long demand, Duration stallTimeout) {
        OpenAiAgentConfig config = new OpenAiAgentConfig("gpt", model.baseUrl(), "fake-model", null, null, null,
                stallTimeout, "test model", 0, offered);
        RecordingSubscriber<ReplyEvent> events = new RecordingSubscriber<>(demand, WAIT);
        new ModelReply(config, new AgentRequest("Note tea twice", "c1", List.of()),
                () -> new ModelConnection(http, pool, WAIT), timer, System::nanoTime, ModelObserver.NONE,
                tools.offer(offered.names(), "c1")).subscribe(events);
        return events;
    }

    private static AgentTools offering(String... names) {
        return new AgentTools(List.of(names), WAIT, 3);
    }

    @Test
    void aStreamedToolCallRunsTheRealToolAndItsResultGoesBackToTheModel() throws Exception {
        model.answerInTurn(Script.toolCall("call_1", "record", List.of("{\"note\":", " \"tea\",", " \"times\": 2}"),
                GAP), Script.tokens(List.of("Noted ", "twice."), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(offering("record", "clock"), Long.MAX_VALUE);

        assertNull(events.awaitEnd());
        List<ReplyEvent> received = events.received();
        assertEquals(List.of(new ReplyEvent.ToolCall("call_1", "record", "{\"note\":"),
                new ReplyEvent.ToolCall("call_1", "record", " \"tea\","),
                new ReplyEvent.ToolCall("call_1", "record", " \"times\": 2}")), received.subList(0, 3));
        ReplyEvent.ToolResult result = assertInstanceOf(ReplyEvent.ToolResult.class, received.get(3));
        assertEquals("call_1", result.callId());
        assertTrue(result.ok());
        assertEquals("recorded tea 2 times", result.result());
        assertEquals(List.of(new ReplyEvent.Text("Noted "), new ReplyEvent.Text("twice."),
                new ReplyEvent.Usage("fake-model", 10, 5, "stop")), received.subList(4, 7));
        assertEquals(7, received.size());
        assertEquals(List.of("tea x2"), testTools.recorded(), "the real bean ran once");

        JsonObject first = model.awaitExchange(WAIT).request();
        assertEquals(List.of("record", "clock"), first.getJsonArray("tools").stream()
                .map(tool -> tool.asJsonObject().getJsonObject("function").getString("name")).toList());
        JsonArray messages = model.awaitExchange(WAIT).request().getJsonArray("messages");
        JsonObject asked = messages.getJsonObject(1);
        assertEquals("assistant", asked.getString("role"));
        assertEquals("call_1", asked.getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        assertEquals("{\"note\": \"tea\", \"times\": 2}", asked.getJsonArray("tool_calls").getJsonObject(0)
                .getJsonObject("function").getString("arguments"));
        JsonObject told = messages.getJsonObject(2);
        assertEquals("tool", told.getString("role"));
        assertEquals("call_1", told.getString("tool_call_id"));
        assertEquals("recorded tea 2 times", told.getString("content"));
    }

    @Test
    void aToolThatThrowsIsAnErrorResultAndTheModelIsToldSo() throws Exception {
        model.answerInTurn(Script.toolCall("call_x", "explode", List.of("{\"why\": ", "\"testing\"}"), GAP),
                Script.tokens(List.of("Sorry."), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(offering("explode"), Long.MAX_VALUE);

        assertNull(events.awaitEnd());
        ReplyEvent.ToolResult result = (ReplyEvent.ToolResult) events.received().get(2);
        assertFalse(result.ok());
        assertEquals("exploded: testing", result.result());
        model.awaitExchange(WAIT);
        JsonObject told = model.awaitExchange(WAIT).request().getJsonArray("messages").getJsonObject(2);
        assertEquals("error: exploded: testing", told.getString("content"));
    }

    @Test
    void aToolPastItsTimeoutIsAnErrorResultAndTheReplyGoesOn() throws Exception {
        model.answerInTurn(Script.toolCall("call_s", "stall", List.of("{}"), GAP), Script.tokens(List.of("Late."),
                GAP));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("stall"), Duration.ofMillis(200), 3),
                Long.MAX_VALUE);

        assertNull(events.awaitEnd());
        ReplyEvent.ToolResult result = (ReplyEvent.ToolResult) events.received().get(1);
        assertFalse(result.ok());
        assertEquals("the tool did not finish within 200 ms", result.result());
        assertTrue(result.durationMs() >= 200, result.durationMs() + " ms");
        assertTrue(testTools.awaitStall(WAIT), "the tool ran");
        assertTrue(testTools.awaitInterrupted(WAIT), "the stalled tool's thread was interrupted");
        assertEquals(new ReplyEvent.Text("Late."), events.received().get(2));
    }

    @Test
    void theModelsStallTimeoutDoesNotCountWhileAToolRuns() throws Exception {
        model.answerInTurn(Script.toolCall("call_l", "stall", List.of("{}"), GAP), Script.tokens(List.of("Done."),
                GAP));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("stall"), Duration.ofMillis(800), 3),
                Long.MAX_VALUE, Duration.ofMillis(300));

        assertNull(events.awaitEnd(), "a tool running past the model's stall timeout does not fail the reply");
        assertEquals("the tool did not finish within 800 ms",
                ((ReplyEvent.ToolResult) events.received().get(1)).result());
        assertEquals(new ReplyEvent.Text("Done."), events.received().get(2));
    }

    @Test
    void aModelThatAsksForToolsPastMaxToolRoundsFailsTheReply() throws Exception {
        model.answer(Script.toolCall("call_r", "record", List.of("{\"note\": \"again\", \"times\": 1}"), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("record"), WAIT, 2), Long.MAX_VALUE);

        AgentFailure failure = assertInstanceOf(AgentFailure.class, events.awaitEnd());
        assertTrue(failure.getMessage().contains("after 2 rounds of tool calls"), failure.getMessage());
        assertEquals(List.of("again x1", "again x1"), testTools.recorded(), "two rounds ran, not a third");
        assertEquals(2, events.received().stream().filter(ReplyEvent.ToolResult.class::isInstance).count());
    }

    @Test
    void cancellingDuringAToolStopsItAndNothingMoreComes() throws Exception {
        model.answerInTurn(Script.toolCall("call_c", "stall", List.of("{}"), GAP), Script.tokens(List.of("no"),
                GAP));
        RecordingSubscriber<ReplyEvent> events = ask(offering("stall"), Long.MAX_VALUE);
        assertTrue(testTools.awaitStall(WAIT), "the tool runs");
        int before = events.received().size();

        events.subscription().cancel();
        assertTrue(testTools.awaitInterrupted(WAIT), "the running tool's thread was interrupted");
        assertEquals(before, events.received().size(), "nothing after the cancel");
        assertFalse(events.ended(), "a cancelled reply is not signalled an end");
        model.awaitExchange(WAIT);
        assertNull(model.pollExchange(Duration.ofMillis(200)), "the model was not called again");
    }

    @Test
    void reasoningStreamsAsReasoningEventsBeforeTheText() throws Exception {
        model.answer(Script.tokens(List.of("Hi."), GAP).reasoningFirst(List.of("Let me ", "think.")));
        RecordingSubscriber<ReplyEvent> events = ask(AgentTools.NONE, Long.MAX_VALUE);

        assertNull(events.awaitEnd());
        assertEquals(List.of(new ReplyEvent.Reasoning("Let me "), new ReplyEvent.Reasoning("think."),
                new ReplyEvent.Text("Hi."), new ReplyEvent.Usage("fake-model", 5, 3, "stop")), events.received());
        assertFalse(model.awaitExchange(WAIT).request().containsKey("tools"), "no tools offered, none sent");
    }

    @Test
    void eventsWaitForDemand() throws Exception {
        model.answerInTurn(Script.toolCall("call_d", "record", List.of("{\"note\": ", "\"a\", ", "\"times\": 1}"),
                GAP), Script.tokens(List.of("ok"), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(offering("record"), 2);

        events.next();
        events.next();
        assertNull(events.poll(Duration.ofMillis(100)), "nothing beyond the demand");
        events.subscription().request(10);
        assertNull(events.awaitEnd());
        assertEquals(6, events.received().size(), "3 call pieces, its result, a text and the usage: "
                + events.received());
    }

    @Test
    void manyRefusedCallsInOneAnswerRunInALoopNotARecursion() throws Exception {
        Script calls = Script.tokens(List.of(), Duration.ZERO);
        for (int i = 0; i < 2000; i++) {
            calls = calls.andCall("call_" + i, "nowhere", List.of("{}"));
        }
        model.answerInTurn(calls, Script.tokens(List.of("Sorry."), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("record"), WAIT, 3, 5000),
                Long.MAX_VALUE);

        assertNull(events.awaitEnd());
        assertEquals(2000, events.received().stream().filter(ReplyEvent.ToolResult.class::isInstance).count());
        assertEquals(new ReplyEvent.Text("Sorry."), events.received().get(events.received().size() - 2));
    }

    @Test
    void anAnswerWithMoreCallsThanMaxToolCallsFailsTheReplyBeforeAnyRuns() throws Exception {
        model.answer(Script.toolCall("call_1", "record", List.of("{\"note\": \"a\", \"times\": 1}"), GAP)
                .andCall("call_2", "record", List.of("{\"note\": \"b\", \"times\": 1}"))
                .andCall("call_3", "record", List.of("{\"note\": \"c\", \"times\": 1}")));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("record"), WAIT, 3, 2), Long.MAX_VALUE);

        AgentFailure failure = assertInstanceOf(AgentFailure.class, events.awaitEnd());
        assertTrue(failure.getMessage().contains("3 tool calls in one answer, more than the 2"),
                failure.getMessage());
        assertEquals(List.of(), testTools.recorded(), "none ran");
    }

    @Test
    void cancellingAfterARefusedCallStopsTheToolRunningAfterIt() throws Exception {
        model.answerInTurn(Script.toolCall("call_n", "nowhere", List.of("{}"), GAP).andCall("call_s", "stall",
                List.of("{}")), Script.tokens(List.of("no"), GAP));
        RecordingSubscriber<ReplyEvent> events = ask(new AgentTools(List.of("stall"), Duration.ofMinutes(5), 3),
                Long.MAX_VALUE);
        assertTrue(testTools.awaitStall(WAIT), "the tool runs");

        events.subscription().cancel();
        assertTrue(testTools.awaitInterrupted(WAIT), "the running tool's thread was interrupted, not timed out");
    }
}
