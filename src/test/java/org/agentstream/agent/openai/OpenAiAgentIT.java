package org.agentstream.agent.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.doubles.FakeOpenAiServer.Ending;
import org.agentstream.testing.doubles.FakeOpenAiServer.Exchange;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.fixtures.DeployedAppWithModel;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.Test;

/**
 * A remote-model agent inside WildFly, pointed through the management API at an OpenAI-compatible server that this
 * test runs on a loopback port: streaming, pacing, cancellation reaching the model server, and failures.
 */
class OpenAiAgentIT extends DeployedAppWithModel {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aConfiguredModelIsListedAndStreamsItsTokens() throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.api-key", "sk-it-secret",
                "agentstream.agent.gpt.temperature", "0.5",
                "agentstream.agent.gpt.system-prompt", "You are terse.",
                "agentstream.agent.gpt.description", "Fake GPT for the tests"));
        model.answer(Script.tokens(List.of("Hello", ", ", "streaming", " world"), Duration.ofMillis(20)));
        try (ChatClient client = ChatClient.connect(base)) {
            assertTrue(agents(client).contains("gpt=Fake GPT for the tests"), "listed with its description");
            assertTrue(agents(client).contains("echo=Echoes your message back word by word, instantly (no gap of "
                    + "its own)."), "the bean agents are still there");

            client.ask("q1", "gpt", "Say hello");
            Reply reply = client.reply("q1", WAIT);

            assertEquals("complete", reply.status());
            assertEquals("Hello, streaming world", reply.text());
            assertEquals(4, reply.chunks().size(), "one chunk per token");
            Exchange exchange = model.awaitExchange(WAIT);
            assertEquals("Bearer sk-it-secret", exchange.authorization());
            JsonObject request = exchange.request();
            assertEquals("fake-model", request.getString("model"));
            assertTrue(request.getBoolean("stream"));
            assertEquals(0.5, request.getJsonNumber("temperature").doubleValue());
            assertEquals("You are terse.", request.getJsonArray("messages").getJsonObject(0).getString("content"));
            assertEquals("Say hello", request.getJsonArray("messages").getJsonObject(1).getString("content"));
        }
    }

    @Test
    void withoutSettingsNoRemoteAgentIsListedAndRemovingOneAppliesAtOnce() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            assertEquals(
                    List.of("echo", "endless", "failing", "firehose", "held", "held-tools", "recall", "silent",
                            "simulated-model", "tool-demo"),
                    agents(client).stream().map(agent -> agent.substring(0, agent.indexOf('='))).toList());

            configureGpt(Map.of());
            assertTrue(agents(client).stream().anyMatch(agent -> agent.startsWith("gpt=Remote model fake-model at "
                    + "127.0.0.1")), "a default description: " + agents(client));

            try (ServerAdmin admin = ServerAdmin.of(base)) {
                admin.removeSetting("agentstream.agents.openai");
            }
            assertFalse(agents(client).stream().anyMatch(agent -> agent.startsWith("gpt=")));
            client.ask("gone", "gpt", "hello?");
            Frame error = client.next("error", WAIT);
            assertEquals("unknown_agent", error.text("code"));
        }
    }

    @Test
    void aSlowModelKeepsItsOwnPaceWithNoAddedDelay() throws Exception {
        configureGpt(Map.of());
        try (ChatClient client = ChatClient.connect(base)) {
            warmUp(client);
            model.answer(Script.tokens(60, Duration.ofMillis(25)));
            client.ask("slow", "gpt", "take your time");
            Reply reply = client.reply("slow", WAIT);
            List<Long> written = model.awaitExchange(WAIT).tokenNanos();

            assertEquals("complete", reply.status());
            assertEquals(60, reply.chunks().size());
            double received = spanMs(reply);
            double modelSpan = (written.get(59) - written.get(0)) / 1e6;
            double[] delays = delaysMs(reply, written);
            System.out.printf(Locale.ROOT, "[pacing slow] 60 tokens 25 ms apart: client span %.1f ms (60 x 25 ms = "
                    + "1500 ms, %+.2f%%), model span %.1f ms, overhead %+.1f ms; model write -> client receive "
                    + "p50 %.2f ms p99 %.2f ms max %.2f ms%n", received, 100 * (received - 1500) / 1500, modelSpan,
                    received - modelSpan, GapAnalysis.percentile(delays, 50), GapAnalysis.percentile(delays, 99),
                    GapAnalysis.percentile(delays, 100));
            assertTrue(Math.abs(received - 1500) <= 0.05 * 1500,
                    "first to last chunk within 5% of 60 x 25 ms: " + received + " ms");
        }
    }

    @Test
    void instantTokensArePacedAtTheMinimumInterval() throws Exception {
        configureGpt(Map.of());
        try (ChatClient client = ChatClient.connect(base)) {
            warmUp(client);
            model.answer(Script.tokens(60, Duration.ZERO));
            client.ask("fast", "gpt", "quick");
            Reply reply = client.reply("fast", WAIT);

            assertEquals("complete", reply.status());
            assertEquals(60, reply.chunks().size());
            GapAnalysis gaps = GapAnalysis.of(reply);
            double minSend = Arrays.stream(gaps.sendGapsMs()).min().orElseThrow();
            double received = spanMs(reply);
            System.out.printf(Locale.ROOT, "[pacing fast] 60 instant tokens: client span %.1f ms (59 x 10 ms = 590 "
                    + "ms, overhead %+.1f ms); send gaps min %.2f ms p50 %.2f ms; receive gaps min %.2f ms p50 "
                    + "%.2f ms p99 %.2f ms%n", received, received - 590, minSend,
                    GapAnalysis.percentile(gaps.sendGapsMs(), 50),
                    GapAnalysis.percentile(gaps.receiveGapsMs(), 0), GapAnalysis.percentile(gaps.receiveGapsMs(), 50),
                    GapAnalysis.percentile(gaps.receiveGapsMs(), 99));
            assertTrue(minSend >= 9.99, "every chunk left at least 10 ms after the previous one: "
                    + Arrays.toString(gaps.sendGapsMs()));
            assertTrue(GapAnalysis.percentile(gaps.receiveGapsMs(), 50) >= 9.5,
                    "and arrived paced, not batched: " + gaps.summary());
        }
    }

    @Test
    void cancellingAReplyClosesTheConnectionToTheModelServer() throws Exception {
        configureGpt(Map.of());
        model.answer(Script.tokens(2000, Duration.ofMillis(20)));
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("long", "gpt", "go on and on");
            String messageId = client.next("stream_start", WAIT).text("messageId");
            for (int i = 0; i < 5; i++) {
                client.next("chunk", WAIT);
            }
            long cancelled = System.nanoTime();
            client.cancel(messageId);
            assertEquals("cancelled", client.next("stream_end", WAIT).text("status"));

            Exchange exchange = model.awaitExchange(WAIT);
            assertEquals(Ending.CLIENT_CLOSED, exchange.awaitEnding(WAIT), "the model server saw the connection close");
            System.out.printf(Locale.ROOT, "[cancel] the model server saw its connection closed %.1f ms after the "
                    + "cancel frame was sent, after %d of 2000 tokens%n", (exchange.endedNanos() - cancelled) / 1e6,
                    exchange.tokenNanos().size());
            assertTrue(exchange.tokenNanos().size() < 2000);
        }
    }

    @Test
    void closingTheClientClosesTheConnectionToTheModelServer() throws Exception {
        configureGpt(Map.of());
        model.answer(Script.tokens(2000, Duration.ofMillis(20)));
        ChatClient client = ChatClient.connect(base);
        client.ask("long", "gpt", "go on and on");
        for (int i = 0; i < 5; i++) {
            client.next("chunk", WAIT);
        }
        long closed = System.nanoTime();
        client.close();

        Exchange exchange = model.awaitExchange(WAIT);
        assertEquals(Ending.CLIENT_CLOSED, exchange.awaitEnding(WAIT), "the model server saw the connection close");
        System.out.printf(Locale.ROOT, "[disconnect] the model server saw its connection closed %.1f ms after the "
                + "WebSocket client closed, after %d of 2000 tokens%n", (exchange.endedNanos() - closed) / 1e6,
                exchange.tokenNanos().size());
        assertTrue(exchange.tokenNanos().size() < 2000);
    }

    @Test
    void aModelServerThatIsDownFailsTheReplyAsUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        configureGpt(Map.of("agentstream.agent.gpt.base-url", "http://127.0.0.1:" + port + "/v1"));
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("down", "gpt", "anyone there?");
            Reply reply = client.reply("down", WAIT);

            assertEquals("failed", reply.status());
            assertEquals(1, reply.errors().size());
            assertEquals("model_unavailable", reply.errors().get(0).text("code"));
            assertTrue(reply.errors().get(0).text("message")
                    .startsWith("cannot connect to the model server at 127.0.0.1:" + port), reply.errors().toString());
        }
    }

    @Test
    void errorStatusesFailTheReplyWithTheirCodeAndTheServersMessage() throws Exception {
        configureGpt(Map.of());
        try (ChatClient client = ChatClient.connect(base)) {
            assertError(client, 401, "Incorrect API key provided.", "model_auth",
                    "model server returned 401 Unauthorized: Incorrect API key provided.");
            assertError(client, 429, "Rate limit reached for requests", "model_rate_limited",
                    "model server returned 429 Too Many Requests: Rate limit reached for requests");
            assertError(client, 500, "The server had an error processing your request.", "agent_failed",
                    "model server returned 500 Internal Server Error: The server had an error processing your "
                            + "request.");
        }
    }

    private void assertError(ChatClient client, int status, String message, String code, String expected)
            throws Exception {
        model.answer(Script.error(status, message, "test_error"));
        client.ask("e" + status, "gpt", "hello");
        Reply reply = client.reply("e" + status, WAIT);
        assertEquals("failed", reply.status());
        assertEquals(0, reply.chunks().size());
        assertEquals(code, reply.errors().get(0).text("code"));
        assertEquals(expected, reply.errors().get(0).text("message"));
    }

    @Test
    void aStreamCutMidReplyFailsAndKeepsThePartialText() throws Exception {
        configureGpt(Map.of());
        CountDownLatch cut = new CountDownLatch(1);
        model.answer(Script.tokens(4, Duration.ofMillis(100)).thenCutWhen(cut));
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("cut", "gpt", "hello");
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> read.chunks("cut").size() == 4, WAIT);
            cut.countDown();
            client.readUntil(replies, read -> read.ended("cut"), WAIT);
            Reply reply = replies.reply("cut");

            assertEquals("failed", reply.status());
            assertEquals("t0 t1 t2 t3 ", reply.text(), "what was delivered is kept");
            assertEquals("agent_failed", reply.errors().get(0).text("code"));
            assertTrue(reply.errors().get(0).text("message").startsWith("the connection to the model server broke off"),
                    reply.errors().toString());
        }
    }

    @Test
    void aModelThatStallsTimesOutAndIsDisconnected() throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.timeout-ms", "1000"));
        try (ChatClient client = ChatClient.connect(base)) {
            warmUp(client);
            model.answer(Script.tokens(3, Duration.ofMillis(20)).thenStall());
            client.ask("stall", "gpt", "hello");
            Reply reply = client.reply("stall", WAIT);

            assertEquals("failed", reply.status());
            assertEquals("t0 t1 t2 ", reply.text());
            assertEquals("model_timeout", reply.errors().get(0).text("code"));
            assertEquals("the model sent nothing for 1000 ms; the reply was stopped",
                    reply.errors().get(0).text("message"));
            Exchange stalled = model.awaitExchange(WAIT);
            assertEquals(Ending.CLIENT_CLOSED, stalled.awaitEnding(WAIT), "the stalled connection was dropped");
        }
    }

    /** One reply through the agent first, so class loading is not measured; its exchange is consumed. */
    private void warmUp(ChatClient client) throws Exception {
        model.answer(Script.tokens(List.of("warm", " up"), Duration.ZERO));
        client.ask("warm-up", "gpt", "hi");
        assertEquals("complete", client.reply("warm-up", WAIT).status());
        assertEquals(Ending.COMPLETED, model.awaitExchange(WAIT).awaitEnding(WAIT));
    }

    /** The agent list as "name=description". */
    private static List<String> agents(ChatClient client) throws Exception {
        client.send("{\"type\":\"agents\"}");
        List<String> agents = new ArrayList<>();
        client.next("agents", WAIT).json().getJsonArray("agents").getValuesAs(JsonObject.class)
                .forEach(agent -> agents.add(agent.getString("name") + "=" + agent.getString("description")));
        return agents;
    }

    private static double spanMs(Reply reply) {
        return (reply.chunks().get(reply.chunks().size() - 1).receivedNanos() - reply.chunks().get(0).receivedNanos())
                / 1e6;
    }

    /** Per token: from the model server writing it to the client receiving its chunk (one clock: same JVM). */
    private static double[] delaysMs(Reply reply, List<Long> written) {
        double[] delays = new double[written.size()];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = (reply.chunks().get(i).receivedNanos() - written.get(i)) / 1e6;
        }
        return delays;
    }
}
