package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.clients.RawWebSocket;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/** A client that stops reading slows down nobody else, and is disconnected once the send timeout passes. */
class SlowClientIT extends DeployedApp {

    private static final String SEND_TIMEOUT = "agentstream.chat.send-timeout-ms";
    private static final String RESUME_WINDOW_MS = "agentstream.stream.resume-window-ms";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aClientThatStopsReadingIsClosedAndOthersStreamOnTime() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(SEND_TIMEOUT, "2000");
            // the closed client's reply waits a second for it to resume, then ends as interrupted
            admin.setSetting(RESUME_WINDOW_MS, "1000");
            try (RawWebSocket stalled = RawWebSocket.open(base); ChatClient client = ChatClient.connect(base)) {
                JsonObject before = ServerStatus.awaitIdle(base, WAIT);
                stalled.sendText(
                        "{\"type\":\"message\",\"id\":\"never-read\",\"agent\":\"firehose\",\"content\":\"go\"}");

                for (int i = 0; i < 4; i++) {
                    client.ask("meanwhile" + i, "echo", Conversations.words(40));
                    Reply reply = client.reply("meanwhile" + i, WAIT);
                    assertEquals("complete", reply.status());
                    GapAnalysis gaps = GapAnalysis.of(reply);
                    System.out.printf(Locale.ROOT, "[slow client] reply %d beside a client that reads nothing: %s%n",
                            i, gaps.summary());
                    assertTrue(gaps.isRealTime(), gaps.summary());
                    assertTrue(gaps.sendSpanMs() < 1_000, "the server sent its 40 chunks on time (about 390 ms), "
                            + "not held up by the client that reads nothing: " + gaps.summary());
                }

                long waitFrom = System.nanoTime();
                JsonObject after = ServerStatus.awaitIdle(base, WAIT);
                System.out.printf(Locale.ROOT, "[slow client] its reply ended %.0f ms after the others; server: %s%n",
                        (System.nanoTime() - waitFrom) / 1e6, after);
                assertTrue(after.getBoolean("idle"), "the stalled client's reply ended: " + after);
                assertEquals(1, after.getInt("disconnected") - before.getInt("disconnected"),
                        "it ended because its connection was closed");
            } finally {
                admin.removeSetting(SEND_TIMEOUT);
                admin.removeSetting(RESUME_WINDOW_MS);
            }
        }
    }
}
