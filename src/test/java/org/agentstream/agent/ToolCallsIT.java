package org.agentstream.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ConnectionRelay;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.doubles.FakeOpenAiServer.Exchange;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.fixtures.DeployedAppWithModel;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tool calls on the server under test, with the fake OpenAI server scripting a model that asks for the test
 * deployment's CDI tools: the call's arguments stream as {@code tool_call} frames, the real bean runs, its
 * {@code tool_result} comes before the answer, every frame of the reply is paced and counted once, and usage ends
 * it; a tool that throws, one that runs past its timeout, a cancel during a tool, and the model-free
 * {@code tool-demo}.
 */
class ToolCallsIT extends DeployedAppWithModel {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration GAP = Duration.ofMillis(20);
    private static final List<String> ARGUMENTS = List.of("{\"note\": ", "\"it\", ", "\"times\": 3}");

    /** One reply as the client saw it: every frame with its messageId, in arrival order, and its end. */
    private record Seen(String messageId, List<Frame> frames, Frame end) {
        List<Frame> of(String type) {
            return frames.stream().filter(frame -> type.equals(frame.type())).toList();
        }

        List<String> types() {
            return frames.stream().map(Frame::type).toList();
        }

        String text() {
            return of("chunk").stream().map(chunk -> chunk.text("delta")).collect(Collectors.joining());
        }
    }

    @BeforeEach
    void forgetToolCalls() throws Exception {
        TestSupport.toolsProbe(base, null);
    }

    private void offerTools(String timeoutMs) throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.tools", "record,explode,stall",
                "agentstream.agent.gpt.tool-timeout-ms", timeoutMs));
    }

    /** Asks and reads every frame of the reply until its stream_end. */
    private static Seen ask(ChatClient client, String id, String agent, String content) throws Exception {
        client.ask(id, agent, content);
        String messageId = client.next("stream_start", WAIT).text("messageId");
        return readUntilEnd(client, messageId, new ArrayList<>());
    }

    private static Seen readUntilEnd(ChatClient client, String messageId, List<Frame> frames) throws Exception {
        while (true) {
            Frame frame = client.next(WAIT);
            if (!messageId.equals(frame.text("messageId"))) {
                continue;
            }
            if ("stream_end".equals(frame.type())) {
                return new Seen(messageId, List.copyOf(frames), frame);
            }
            frames.add(frame);
        }
    }

    @Test
    void aStreamedToolCallRunsTheRealBeanAndItsResultComesBeforeThePacedAnswer() throws Exception {
        offerTools("10000");
        model.answerInTurn(Script.toolCall("call_it1", "record", ARGUMENTS, GAP),
                Script.tokens(List.of("Recorded ", "it ", "three ", "times."), GAP));
        try (ChatClient client = ChatClient.connect(base)) {
            Seen reply = ask(client, "t1", "gpt", "Record it three times");

            assertEquals("complete", reply.end().text("status"));
            assertEquals(List.of("tool_call", "tool_call", "tool_call", "tool_result", "chunk", "chunk", "chunk",
                    "chunk"), reply.types());
            List<Frame> calls = reply.of("tool_call");
            assertEquals(String.join("", ARGUMENTS), calls.stream().map(call -> call.text("argumentsDelta"))
                    .collect(Collectors.joining()), "the pieces make the model's arguments");
            assertTrue(calls.stream().allMatch(call -> "call_it1".equals(call.text("callId"))
                    && "record".equals(call.text("tool"))));
            Frame result = reply.of("tool_result").get(0);
            assertEquals("call_it1", result.text("callId"));
            assertEquals("ok", result.text("status"));
            assertEquals("recorded it 3 times", result.text("result"));
            assertTrue(result.json().getJsonNumber("durationMs").longValue() >= 0);
            assertEquals("Recorded it three times.", reply.text());
            assertEquals(List.of("it x3"), TestSupport.toolsProbe(base, "").getJsonArray("recorded")
                    .getValuesAs(JsonString.class).stream().map(JsonString::getString)
                    .toList(), "the real CDI bean ran once with the model's arguments");

            List<Integer> seqs = reply.frames().stream().map(frame -> frame.json().getInt("seq")).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "every frame's seq once and in order: " + seqs);
            }
            GapAnalysis gaps = GapAnalysis.of(reply.frames().stream()
                    .map(frame -> frame.json().getJsonNumber("sentAt").doubleValue()).toList(),
                    reply.frames().stream().map(Frame::receivedNanos).toList());
            double minSend = Arrays.stream(gaps.sendGapsMs()).min().orElseThrow();
            long toolCallNanos = calls.get(0).receivedNanos();
            Exchange asking = model.awaitExchange(WAIT);
            System.out.printf(Locale.ROOT, "[tool calls] %d frames of mixed kinds; send gaps min %.2f ms p50 %.2f ms;"
                    + " receive gaps p50 %.2f ms; model's first argument piece to the client's first tool_call "
                    + "%.2f ms; first tool_call to tool_result %.1f ms%n", seqs.size(), minSend,
                    GapAnalysis.percentile(gaps.sendGapsMs(), 50), GapAnalysis.percentile(gaps.receiveGapsMs(), 50),
                    (toolCallNanos - asking.tokenNanos().get(0)) / 1e6, (result.receivedNanos() - toolCallNanos) / 1e6);
            assertTrue(minSend >= 9.99, "every frame left at least 10 ms after the previous one: "
                    + Arrays.toString(gaps.sendGapsMs()));

            JsonObject usage = reply.end().json().getJsonObject("usage");
            assertEquals("fake-model", usage.getString("model"));
            assertEquals(10, usage.getInt("inputTokens"), "summed over both calls of the model");
            assertEquals(7, usage.getInt("outputTokens"));
            assertEquals("stop", usage.getString("finishReason"));

            JsonObject told = model.awaitExchange(WAIT).request().getJsonArray("messages").getJsonObject(2);
            assertEquals("tool", told.getString("role"));
            assertEquals("call_it1", told.getString("tool_call_id"));
            assertEquals("recorded it 3 times", told.getString("content"));
        }
    }

    @Test
    void aToolThatThrowsIsAnErrorResultAndTheModelIsToldSo() throws Exception {
        offerTools("10000");
        model.answerInTurn(Script.toolCall("call_x", "explode", List.of("{\"why\": ", "\"testing\"}"), GAP),
                Script.tokens(List.of("It ", "failed."), GAP));
        try (ChatClient client = ChatClient.connect(base)) {
            Seen reply = ask(client, "t2", "gpt", "Explode");

            assertEquals("complete", reply.end().text("status"));
            Frame result = reply.of("tool_result").get(0);
            assertEquals("error", result.text("status"));
            assertEquals("exploded: testing", result.text("result"));
            assertEquals("It failed.", reply.text());
            model.awaitExchange(WAIT);
            assertEquals("error: exploded: testing", model.awaitExchange(WAIT).request().getJsonArray("messages")
                    .getJsonObject(2).getString("content"));
        }
    }

    @Test
    void aToolPastItsTimeoutIsAnErrorResultAndIsInterrupted() throws Exception {
        offerTools("500");
        model.answerInTurn(Script.toolCall("call_s", "stall", List.of("{}"), GAP),
                Script.tokens(List.of("Too ", "slow."), GAP));
        try (ChatClient client = ChatClient.connect(base)) {
            Seen reply = ask(client, "t3", "gpt", "Stall");

            assertEquals("complete", reply.end().text("status"));
            Frame result = reply.of("tool_result").get(0);
            assertEquals("error", result.text("status"));
            assertEquals("the tool did not finish within 500 ms", result.text("result"));
            assertTrue(result.json().getJsonNumber("durationMs").longValue() >= 500);
            assertEquals("Too slow.", reply.text());
            assertTrue(TestSupport.toolsProbe(base, "awaitInterruptedMs=10000").getBoolean("sawInterrupt"),
                    "the tool's thread was interrupted");
        }
    }

    @Test
    void cancellingDuringAToolStopsItAndSendsNothingMore() throws Exception {
        offerTools("60000");
        model.answerInTurn(Script.toolCall("call_c", "stall", List.of("{}"), GAP),
                Script.tokens(List.of("never"), GAP));
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("t4", "gpt", "Stall, then be cancelled");
            String messageId = client.next("stream_start", WAIT).text("messageId");
            assertEquals("call_c", client.next("tool_call", WAIT).text("callId"));
            assertTrue(TestSupport.toolsProbe(base, "awaitStallMs=10000").getBoolean("sawStall"), "the tool runs");

            client.cancel(messageId);
            Seen rest = readUntilEnd(client, messageId, new ArrayList<>());
            assertEquals("cancelled", rest.end().text("status"));
            assertTrue(rest.of("tool_result").isEmpty() && rest.of("chunk").isEmpty(), rest.types().toString());
            assertTrue(TestSupport.toolsProbe(base, "awaitInterruptedMs=10000").getBoolean("sawInterrupt"),
                    "the running tool's thread was interrupted");
            model.awaitExchange(WAIT);
            assertNull(model.pollExchange(Duration.ofMillis(500)), "the model was not called again");
        }
    }

    @Test
    void toolDemoShowsToolCallsWithoutAModel() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            Seen reply = ask(client, "t5", "tool-demo", "What is 6 * 7?");

            assertEquals("complete", reply.end().text("status"));
            List<Frame> results = reply.of("tool_result");
            assertEquals(2, results.size());
            assertTrue(results.stream().allMatch(result -> "ok".equals(result.text("status"))));
            assertEquals("42", results.get(1).text("result"));
            assertTrue(reply.types().lastIndexOf("tool_result") < reply.types().indexOf("chunk"), reply.types()
                    .toString());
            assertTrue(reply.text().endsWith("And 6 * 7 = 42."), reply.text());
            assertEquals("{\"expression\": \"6 * 7\"}", reply.of("tool_call").stream()
                    .filter(call -> "calculator".equals(call.text("tool"))).map(call -> call.text("argumentsDelta"))
                    .collect(Collectors.joining()));
            assertEquals("tool-demo", reply.end().json().getJsonObject("usage").getString("model"));
            assertFalse(reply.end().json().getJsonObject("usage").getString("finishReason").isEmpty());
        }
    }

    /**
     * The connection is cut while a tool runs, after the client had part of the call: a new connection of the same
     * owner resumes the reply and gets the call's frames it missed once (replayed), the rest as they come, and the
     * stored conversation keeps the call, its result and the text. The tool stalls past its 3 s timeout, so whether
     * the resume lands before its result or after, every frame arrives once.
     */
    @Test
    void aReplyResumedMidToolCallGetsTheCallsFramesOnceAndHistoryKeepsThem() throws Exception {
        offerTools("3000");
        List<String> arguments = List.of("{", "}");
        model.answerInTurn(Script.toolCall("call_r", "stall", arguments, GAP),
                Script.tokens(List.of("Resumed ", "fine."), GAP));
        Map<String, List<String>> owner = Conversations.owner(Conversations.newKey());
        List<Frame> before = new ArrayList<>();
        String messageId;
        String conversationId;
        try (ConnectionRelay relay = ConnectionRelay.to(base);
                ChatClient client = ChatClient.connect(new java.net.URL(relay.relayed(base)), owner)) {
            client.ask("t6", "gpt", "Stall, and be resumed");
            Frame start = client.next("stream_start", WAIT);
            messageId = start.text("messageId");
            conversationId = start.text("conversationId");
            before.add(client.next("tool_call", WAIT));
            assertTrue(TestSupport.toolsProbe(base, "awaitStallMs=10000").getBoolean("sawStall"), "the tool runs");
            assertTrue(relay.dropConnections() >= 1, "the connection went through the relay");
            for (Frame late : client.framesUntilClosed(WAIT)) {
                if (messageId.equals(late.text("messageId")) && late.json().containsKey("seq")) {
                    before.add(late);
                }
            }
        }
        // the client lost the last frame it had on the way, as a network loses what was in flight
        List<Frame> kept = before.subList(0, before.size() - 1);
        int lastSeq = kept.isEmpty() ? -1 : kept.get(kept.size() - 1).json().getInt("seq");
        try (ChatClient again = ChatClient.connect(base, owner)) {
            again.resume("r6", messageId, lastSeq);
            Seen rest = readUntilEnd(again, messageId, new ArrayList<>());
            assertEquals("complete", rest.end().text("status"));
            List<Frame> all = new ArrayList<>(kept);
            all.addAll(rest.frames());
            assertEquals(java.util.stream.IntStream.range(0, rest.end().json().getInt("chunks")).boxed().toList(),
                    all.stream().map(frame -> frame.json().getInt("seq")).toList(), "every seq once, in order");
            assertTrue(rest.frames().get(0).json().getBoolean("replayed", false), "what it missed is replayed");
            assertEquals(String.join("", arguments), all.stream().filter(frame -> "tool_call".equals(frame.type()))
                    .map(frame -> frame.text("argumentsDelta")).collect(Collectors.joining()),
                    "the call's pieces, each once");
            assertEquals(List.of("tool_call", "tool_call", "tool_result", "chunk", "chunk"),
                    all.stream().map(Frame::type).toList());
            assertEquals("Resumed fine.", rest.text());

            again.send(Conversations.request("history", "h6", conversationId));
            JsonObject stored = again.next("history", WAIT).json().getJsonArray("messages").getJsonObject(1);
            assertEquals("Resumed fine.", stored.getString("content"), "the text alone");
            List<JsonObject> parts = stored.getJsonArray("parts").getValuesAs(JsonObject.class);
            assertEquals(List.of("tool_call", "tool_result", "text"), parts.stream()
                    .map(part -> part.getString("type")).toList());
            assertEquals("{}", parts.get(0).getString("arguments"));
            assertEquals("stall", parts.get(0).getString("tool"));
            assertEquals("call_r", parts.get(1).getString("callId"));
            assertEquals("error", parts.get(1).getString("status"), "it stalled past its timeout");
            assertEquals("fake-model", stored.getJsonObject("usage").getString("model"));
        }
    }
}
