package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/** A cancel stops one reply; a client that goes away stops all of its replies at once. */
class CancelAndDisconnectIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void cancelStopsALongReplyEarly() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            // 150 words held after 75: the cancel meets the reply streaming, or held, however slow the machine
            client.ask("long", "held", Conversations.words(150));
            String messageId = client.next("stream_start", WAIT).text("messageId");
            for (int i = 0; i < 5; i++) {
                client.next("chunk", WAIT);
            }
            client.cancel(messageId);
            Frame end = client.next("stream_end", WAIT);

            assertEquals(messageId, end.text("messageId"));
            assertEquals("cancelled", end.text("status"));
            int chunks = end.json().getInt("chunks");
            assertTrue(chunks >= 5 && chunks < 100, "stopped early, after " + chunks + " chunks");

            client.ask("next", "echo", "the connection goes on");
            Reply next = client.reply("next", WAIT);
            assertEquals("complete", next.status());
            assertTrue(next.chunks().stream().allMatch(c -> c.text("messageId").equals(next.start().text("messageId"))),
                    "no chunk of the cancelled reply arrives after its stream_end");
        }
        assertTrue(ServerStatus.awaitIdle(base, WAIT).getBoolean("idle"));
    }

    @Test
    void aClosedConnectionEndsItsReplies() throws Exception {
        JsonObject before = ServerStatus.awaitIdle(base, WAIT);
        assertTrue(before.getBoolean("idle"), "nothing streams before the test: " + before);

        ChatClient client = ChatClient.connect(base);
        client.ask("a", "endless", "go");
        client.ask("b", "endless", "go");
        client.readUntil(new ChatClient.Replies(), read -> read.chunks("a").size() >= 3 && read.chunks("b").size() >= 3,
                WAIT);
        assertEquals(2, ServerStatus.read(base).getInt("activeStreams"), "both replies stream");

        long closed = System.nanoTime();
        client.close();
        JsonObject after = ServerStatus.awaitIdle(base, WAIT);
        double stoppedMs = (System.nanoTime() - closed) / 1e6;

        System.out.printf(Locale.ROOT, "[disconnect] 2 replies ended %.1f ms after the client closed "
                + "(including one HTTP round trip to read it)%n", stoppedMs);
        assertTrue(after.getBoolean("idle"), "every reply of the closed connection ended: " + after);
        assertEquals(0, after.getInt("activeStreams"));
        assertEquals(2, after.getInt("disconnected") - before.getInt("disconnected"), after.toString());
        assertTrue(stoppedMs < 2_000, "replies stopped promptly: " + stoppedMs + " ms");
    }
}
