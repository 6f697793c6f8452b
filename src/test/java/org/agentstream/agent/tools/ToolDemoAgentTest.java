package org.agentstream.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.testing.doubles.RecordingSubscriber;
import org.agentstream.testing.fixtures.ToolsInWeld;
import org.agentstream.timing.StepTimer;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in agent {@code tool-demo}: its events in order, through the real tools, by demand, until cancelled. */
@EnableWeld
class ToolDemoAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String GAP_SETTING = "agentstream.agent.tool-demo.gap-ms";

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @WeldSetup
    WeldInitiator weld = ToolsInWeld.with(StepTimer.on(scheduler), pool, ToolDemoAgent.class).build();

    @Inject
    @AgentName("tool-demo")
    Agent agent;

    @BeforeEach
    void quickGaps() {
        System.setProperty(GAP_SETTING, "2");
    }

    @AfterEach
    void stop() {
        System.clearProperty(GAP_SETTING);
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private RecordingSubscriber<ReplyEvent> ask(String message, long demand) {
        RecordingSubscriber<ReplyEvent> events = new RecordingSubscriber<>(demand, WAIT);
        ((Flow.Publisher<ReplyEvent>) agent.reply(new AgentRequest(message, "c1", List.of()))).subscribe(events);
        return events;
    }

    private static String arguments(List<ReplyEvent> events, String tool) {
        return events.stream().filter(ReplyEvent.ToolCall.class::isInstance).map(ReplyEvent.ToolCall.class::cast)
                .filter(call -> call.tool().equals(tool)).map(ReplyEvent.ToolCall::argumentsDelta)
                .collect(Collectors.joining());
    }

    private static String text(List<ReplyEvent> events) {
        return events.stream().filter(ReplyEvent.Text.class::isInstance).map(ReplyEvent.Text.class::cast)
                .map(ReplyEvent.Text::delta).collect(Collectors.joining());
    }

    @Test
    void callsTheClockThenTheCalculatorThenAnswersWithBothAndItsUsage() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("hello there", Long.MAX_VALUE);
        assertNull(events.awaitEnd());
        List<ReplyEvent> received = events.received();

        List<String> kinds = received.stream().map(event -> event.getClass().getSimpleName()).toList();
        assertEquals(List.of("ToolCall", "ToolCall", "ToolCall", "ToolResult", "ToolCall", "ToolCall", "ToolCall",
                "ToolCall", "ToolResult"), kinds.subList(0, 9));
        assertTrue(kinds.subList(9, kinds.size() - 1).stream().allMatch("Text"::equals), kinds.toString());
        assertTrue(kinds.size() - 10 >= 5, "the answer comes in several pieces: " + kinds);

        assertEquals("{\"zone\": \"UTC\"}", arguments(received, "clock"));
        assertEquals("{\"expression\": \"17 * 23 + 4\"}", arguments(received, "calculator"));
        ReplyEvent.ToolCall clockCall = (ReplyEvent.ToolCall) received.get(0);
        ReplyEvent.ToolResult time = (ReplyEvent.ToolResult) received.get(3);
        ReplyEvent.ToolCall calculatorCall = (ReplyEvent.ToolCall) received.get(4);
        ReplyEvent.ToolResult value = (ReplyEvent.ToolResult) received.get(8);
        assertEquals(clockCall.callId(), time.callId());
        assertEquals(calculatorCall.callId(), value.callId());
        assertFalse(clockCall.callId().equals(calculatorCall.callId()));
        assertTrue(time.ok() && time.result().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), time.result());
        assertEquals("395", value.result());
        assertEquals("It is " + time.result() + " (UTC). And 17 * 23 + 4 = 395.", text(received));

        ReplyEvent.Usage usage = assertInstanceOf(ReplyEvent.Usage.class, received.get(received.size() - 1));
        assertEquals(new ReplyEvent.Usage("tool-demo", 2, kinds.size() - 10, "stop"), usage);
    }

    @Test
    void theArithmeticInTheMessageIsWhatTheCalculatorIsAsked() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("what is (2 + 3) * 4, please?", Long.MAX_VALUE);
        assertNull(events.awaitEnd());

        assertEquals("{\"expression\": \"(2 + 3) * 4\"}", arguments(events.received(), "calculator"));
        assertTrue(text(events.received()).endsWith("And (2 + 3) * 4 = 20."), text(events.received()));
    }

    @Test
    void aToolThatFailsIsAnErrorResultAndTheAnswerSaysSo() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("and 1 / 0?", Long.MAX_VALUE);
        assertNull(events.awaitEnd());

        ReplyEvent.ToolResult value = (ReplyEvent.ToolResult) events.received().get(8);
        assertFalse(value.ok());
        assertTrue(value.result().startsWith("cannot evaluate 1 / 0"), value.result());
        assertTrue(text(events.received()).contains("The calculator failed: cannot evaluate 1 / 0"));
    }

    @Test
    void eventsWaitForDemand() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("hi", 1);
        assertInstanceOf(ReplyEvent.ToolCall.class, events.next());
        assertNull(events.poll(Duration.ofMillis(100)), "nothing beyond the demand of one");

        events.subscription().request(4);
        for (int i = 0; i < 4; i++) {
            events.next();
        }
        assertNull(events.poll(Duration.ofMillis(100)), "nothing beyond the demand of five");
        assertEquals(5, events.received().size());
        assertInstanceOf(ReplyEvent.ToolResult.class, events.received().get(3), "the clock ran meanwhile");

        events.subscription().request(Long.MAX_VALUE);
        assertNull(events.awaitEnd());
    }

    @Test
    void afterACancelNothingMoreComes() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("hi", Long.MAX_VALUE);
        events.next();
        events.subscription().cancel();
        int seen = events.received().size();

        while (events.poll(Duration.ofMillis(200)) != null) {
            // what was delivered before the cancel
        }
        assertEquals(seen, events.received().size(), "nothing after the cancel");
        assertFalse(events.ended());
    }

    @Test
    void aLongSumIsScannedWithoutOverflowingTheStackAndTheDefaultIsAsked() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("1 +".repeat(600) + " 1", Long.MAX_VALUE);
        assertNull(events.awaitEnd());

        assertEquals("{\"expression\": \"17 * 23 + 4\"}", arguments(events.received(), "calculator"));
        assertEquals(ToolDemoAgent.DEFAULT_EXPRESSION, ToolDemoAgent.expressionIn("1 +".repeat(100_000)));
    }

    @Test
    void aMultiLineMessageGivesValidArgumentsWithTheArithmeticOnOneLine() throws Exception {
        RecordingSubscriber<ReplyEvent> events = ask("what is 1 + 2\n+ 3\t* 4?", Long.MAX_VALUE);
        assertNull(events.awaitEnd());

        String calculator = arguments(events.received(), "calculator");
        try (JsonReader reader = Json.createReader(new StringReader(calculator))) {
            assertEquals("1 + 2", reader.readObject().getString("expression"));
        }
        assertTrue(text(events.received()).endsWith("And 1 + 2 = 3."), text(events.received()));
    }

    @Test
    void theArithmeticIsLookedForInTheStartOfTheMessageOnly() {
        assertEquals("2 * 3", ToolDemoAgent.expressionIn("x".repeat(400) + " 2 * 3"));
        assertEquals(ToolDemoAgent.DEFAULT_EXPRESSION, ToolDemoAgent.expressionIn("x".repeat(500) + " 2 * 3"));
        assertEquals("(2 + 3) * 4", ToolDemoAgent.expressionIn("on Monday? no: (2 + 3) * 4."));
        assertEquals(ToolDemoAgent.DEFAULT_EXPRESSION, ToolDemoAgent.expressionIn("page 12, (3) and 4"));
    }
}
