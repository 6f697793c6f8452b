package org.agentstream.chat;

import static org.agentstream.testing.clients.Conversations.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.fixtures.DeployedApp;
import org.junit.jupiter.api.Test;

/** Proves on a real server that chunks reach a client when they were sent, not in one batch. */
class RealTimeStreamingIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void chunksArriveAsTheyAreSent() throws Exception {
        String content = words(48);
        try (ChatClient client = ChatClient.connect(base)) {
            assertEquals("complete", client.reply(sent(client, "warm-up", content), WAIT).status(),
                    "a warm-up reply loads the classes the measured one will use");

            long asked = client.ask("rt", "echo", content);
            Reply reply = client.reply("rt", WAIT);

            assertEquals("complete", reply.status());
            assertEquals(48, reply.chunks().size());
            assertEquals(48, reply.end().json().getInt("chunks"));
            for (int i = 0; i < reply.chunks().size(); i++) {
                assertEquals(i, reply.chunks().get(i).json().getInt("seq"), "chunks arrive in order");
            }
            assertEquals(content, reply.text());

            GapAnalysis gaps = GapAnalysis.of(reply);
            double firstChunkMs = (reply.chunks().get(0).receivedNanos() - asked) / 1e6;
            System.out.printf(Locale.ROOT,
                    "[real-time] echo, 48 chunks at the 10 ms pause: %s; first chunk after %.1f ms%n",
                    gaps.summary(), firstChunkMs);

            double smallestSendGap = java.util.Arrays.stream(gaps.sendGapsMs()).min().orElseThrow();
            assertTrue(smallestSendGap >= 9.99, "the server paced every send 10 ms apart, smallest " + smallestSendGap);
            assertTrue(gaps.isRealTime(), "arrived as sent: " + gaps.summary());
        }
    }

    @Test
    void aSlowAgentArrivesAtItsOwnPace() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("slow", "simulated-model", "tell me about streaming");
            Reply reply = client.reply("slow", WAIT);

            assertEquals("complete", reply.status());
            assertTrue(reply.chunks().size() >= 40, "several dozen chunks: " + reply.chunks().size());
            GapAnalysis gaps = GapAnalysis.of(reply);
            System.out.printf(Locale.ROOT, "[real-time] simulated-model, %d chunks: %s%n", reply.chunks().size(),
                    gaps.summary());
            assertTrue(gaps.isRealTime(), gaps.summary());
        }
    }

    private static String sent(ChatClient client, String id, String content) throws Exception {
        client.ask(id, "echo", content);
        return id;
    }
}
