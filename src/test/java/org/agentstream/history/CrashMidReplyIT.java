package org.agentstream.history;

import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.newKey;
import static org.agentstream.testing.clients.Conversations.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.fixtures.KillableServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One server, no grid, killed with SIGKILL mid-reply: at its next start the reply is in the history as interrupted,
 * with at least every chunk the client had received well before the kill (what the server wrote about every 500 ms,
 * and H2 keeps about every 500 ms more); a tool-demo reply streaming beside it keeps its tool calls so written. A
 * server of its own ({@link KillableServer}), since the build's server serves the other ITs; tagged {@code crash},
 * run by the failsafe executions {@code wildfly-crash} and {@code payara-crash}.
 */
@Tag("crash")
class CrashMidReplyIT {

    private static final Logger LOG = Logger.getLogger(CrashMidReplyIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WORDS = 400;
    /** Chunks received before the kill: about four seconds of the reply, of its twelve. */
    private static final int CHUNKS_BEFORE_KILL = 130;
    /** A chunk the client received this long before the kill is in the database. */
    private static final long KEPT_AFTER_MS = 1_500;
    /** The tool-demo agent's gap: its reply (about twenty frames) still streams long after the kill. */
    private static final String TOOL_DEMO_GAP_MS = "1000";

    @Test
    void aReplyStreamingWhenTheServerIsKilledIsInTheHistoryAsInterruptedAfterTheRestart() throws Exception {
        String key = newKey();
        try (KillableServer server = KillableServer.start(Map.of(
                "agentstream.chat.sign-in", "off",
                "agentstream.agent.simulated-model.words", Integer.toString(WORDS),
                "agentstream.agent.simulated-model.gap-ms", "30",
                "agentstream.agent.tool-demo.gap-ms", TOOL_DEMO_GAP_MS))) {
            String conversationId;
            String messageId;
            List<Frame> chunks = new ArrayList<>();
            String toolConversationId;
            List<Frame> toolFrames = new ArrayList<>();
            long killed;
            try (ChatClient client = ChatClient.connect(server.base(), owner(key));
                    ChatClient toolClient = ChatClient.connect(server.base(), owner(key))) {
                toolClient.send(message("tools", "tool-demo", "What is 6 * 7?", null));
                toolConversationId = toolClient.next("stream_start", WAIT).text("conversationId");
                client.send(message("doomed", "simulated-model", "Tell me a long story", null));
                Frame start = client.next("stream_start", WAIT);
                conversationId = start.text("conversationId");
                messageId = start.text("messageId");
                // the kill comes once the story is well under way and the tool-demo reply's first call and its
                // result (a frame a second) came long enough ago to be written, both replies still streaming
                while (chunks.size() < CHUNKS_BEFORE_KILL || !firstResultWritten(toolFrames)) {
                    Frame frame = client.next(WAIT);
                    assertEquals("chunk", frame.type(), () -> "mid-reply: " + frame.json());
                    chunks.add(frame);
                    for (Frame tool = toolClient.poll(Duration.ZERO); tool != null;
                            tool = toolClient.poll(Duration.ZERO)) {
                        Frame seen = tool;
                        assertTrue(List.of("tool_call", "tool_result", "chunk").contains(seen.type()),
                                () -> "mid-reply: " + seen.json());
                        toolFrames.add(seen);
                    }
                }
                killed = System.nanoTime();
                server.kill();
            }

            server.restart();
            JsonObject stored;
            JsonObject storedTools;
            try (ChatClient client = ChatClient.connect(server.base(), owner(key))) {
                JsonArray messages = history(client, "after", conversationId).getJsonArray("messages");
                assertEquals(2, messages.size(), () -> "the question and its reply: " + messages);
                stored = messages.getJsonObject(1);
                JsonArray toolMessages = history(client, "after-tools", toolConversationId).getJsonArray("messages");
                assertEquals(2, toolMessages.size(), () -> "the question and its reply: " + toolMessages);
                storedTools = toolMessages.getJsonObject(1);
            }
            assertToolCallsKept(storedTools, toolFrames);

            String received = text(chunks, chunks.size());
            int old = (int) chunks.stream().filter(chunk -> chunk.receivedNanos()
                    <= killed - TimeUnit.MILLISECONDS.toNanos(KEPT_AFTER_MS)).count();
            String content = stored.getString("content");
            int storedChunks = stored.getInt("chunks");
            assertEquals(messageId, stored.getString("messageId"));
            assertEquals("interrupted", stored.getString("status"));
            assertTrue(content.startsWith(text(chunks, old)), () -> "the stored reply (" + storedChunks
                    + " chunks) has the " + old + " chunks received " + KEPT_AFTER_MS + " ms before the kill: "
                    + content);
            assertTrue(content.startsWith(received) || received.startsWith(content),
                    () -> "what is stored is what was sent: " + content + " / " + received);
            Frame lastStored = chunks.get(Math.min(storedChunks, chunks.size()) - 1);
            LOG.log(Level.INFO, "Killed after {0} chunks received; {1} stored; the last stored one was received {2} "
                    + "ms before the kill", new Object[] {chunks.size(), storedChunks,
                        TimeUnit.NANOSECONDS.toMillis(killed - lastStored.receivedNanos())});
        }
    }

    /** Whether the tool-demo reply's first result came more than {@link #KEPT_AFTER_MS} (and half a second) ago. */
    private static boolean firstResultWritten(List<Frame> toolFrames) {
        return toolFrames.stream().filter(frame -> "tool_result".equals(frame.type())).findFirst()
                .map(result -> System.nanoTime() - result.receivedNanos()
                        > TimeUnit.MILLISECONDS.toNanos(KEPT_AFTER_MS + 500)).orElse(false);
    }

    /** The tool-demo reply is interrupted with its first call (every piece of its arguments) and that call's result. */
    private static void assertToolCallsKept(JsonObject stored, List<Frame> received) {
        assertEquals("interrupted", stored.getString("status"), () -> "mid-reply at the kill: " + stored);
        Frame result = received.stream().filter(frame -> "tool_result".equals(frame.type())).findFirst()
                .orElseThrow();
        String callId = result.text("callId");
        StringBuilder arguments = new StringBuilder();
        received.stream().filter(frame -> "tool_call".equals(frame.type()) && callId.equals(frame.text("callId")))
                .forEach(frame -> arguments.append(frame.text("argumentsDelta")));
        JsonArray parts = stored.getJsonArray("parts");
        assertTrue(parts != null && parts.size() >= 2, () -> "the reply's tool frames are stored: " + stored);
        JsonObject call = parts.getJsonObject(0);
        assertEquals(List.of("tool_call", callId, "clock", arguments.toString()), List.of(call.getString("type"),
                call.getString("callId"), call.getString("tool"), call.getString("arguments")), call::toString);
        JsonObject storedResult = parts.getJsonObject(1);
        assertEquals(List.of("tool_result", callId, "ok", result.text("result")), List.of(storedResult.getString(
                "type"), storedResult.getString("callId"), storedResult.getString("status"),
                storedResult.getString("result")), storedResult::toString);
        LOG.log(Level.INFO, "The tool-demo reply: {0} frames received before the kill; stored with the parts {1}",
                new Object[] {received.size(), parts});
    }

    private static String text(List<Frame> chunks, int count) {
        StringBuilder text = new StringBuilder();
        chunks.subList(0, count).forEach(chunk -> text.append(chunk.text("delta")));
        return text.toString();
    }
}
