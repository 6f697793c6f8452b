package org.agentstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/**
 * Hostile timing reports on a real server: another owner's reply, a second report, more chunks than were sent,
 * numbers out of bounds or of the wrong type, and a flood each get the protocol's error frame, and none of them
 * changes a client-timing meter; the one honest report is counted once.
 */
class TimingReportsIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> CLIENT_METERS = List.of("agentstream.client.reports",
            "agentstream.client.batched");

    @Test
    void hostileTimingReportsGetErrorFramesAndChangeNoMeter() throws Exception {
        try (ChatClient alice = ChatClient.connect(base, Conversations.owner(Conversations.newKey()));
                ChatClient mallory = ChatClient.connect(base, Conversations.owner(Conversations.newKey()))) {
            alice.ask("a1", "echo", Conversations.words(6));
            Reply reply = alice.reply("a1", WAIT);
            String messageId = reply.start().text("messageId");
            JsonObject before = ServerStatus.figures(base);

            assertEquals("unknown_message", mallory.reportTiming("m1", reply, WAIT).text("code"),
                    "another owner's reply is as unknown as no reply");
            String good = ",\"messageId\":\"" + messageId + "\"";
            List<String> bad = List.of(
                    "{\"type\":\"timing\",\"id\":\"b1\"" + good + ",\"chunks\":7,\"batched\":0,\"receiveSpanMs\":50,"
                            + "\"sendSpanMs\":50}",
                    "{\"type\":\"timing\",\"id\":\"b2\"" + good + ",\"chunks\":\"6\",\"batched\":0,"
                            + "\"receiveSpanMs\":50,\"sendSpanMs\":50}",
                    "{\"type\":\"timing\",\"id\":\"b3\"" + good + ",\"chunks\":6,\"batched\":-1,\"receiveSpanMs\":50,"
                            + "\"sendSpanMs\":50}",
                    "{\"type\":\"timing\",\"id\":\"b4\"" + good + ",\"chunks\":6,\"batched\":0,\"receiveSpanMs\":1e300,"
                            + "\"sendSpanMs\":50}",
                    "{\"type\":\"timing\",\"id\":\"b5\"" + good + ",\"chunks\":6,\"batched\":0,\"receiveSpanMs\":50}");
            for (String frame : bad) {
                alice.send(frame);
            }
            for (int i = 1; i <= bad.size(); i++) {
                Frame answer = alice.answerTo("b" + i, WAIT);
                assertEquals("error", answer.type(), answer.json().toString());
                assertEquals("bad_frame", answer.text("code"), answer.json().toString());
            }
            assertClientMetersUnchanged(before);

            Frame counted = alice.reportTiming("ok", reply, WAIT);
            assertEquals("timing_recorded", counted.type(), counted.json().toString());
            assertEquals("unknown_message", alice.reportTiming("again", reply, WAIT).text("code"),
                    "a reply is reported once");
            JsonObject afterOne = ServerStatus.figures(base);
            assertEquals(1, ServerStatus.counter(afterOne, "agentstream.client.reports")
                    - ServerStatus.counter(before, "agentstream.client.reports"));

            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                mallory.send("{\"type\":\"timing\",\"id\":\"f" + i + "\",\"messageId\":\"x" + i + "\",\"chunks\":2,"
                        + "\"batched\":1,\"receiveSpanMs\":0,\"sendSpanMs\":10}");
            }
            for (int i = 0; i < 200; i++) {
                codes.add(mallory.answerTo("f" + i, WAIT).text("code"));
            }
            assertTrue(codes.stream().allMatch(code -> code.equals("unknown_message") || code.equals("rate_limited")),
                    codes::toString);
            assertTrue(codes.contains("rate_limited"), "a flood meets the owner's message rate: " + codes);
            assertClientMetersUnchanged(afterOne);
        }
    }

    private void assertClientMetersUnchanged(JsonObject before) throws Exception {
        JsonObject now = ServerStatus.figures(base);
        for (String meter : CLIENT_METERS) {
            assertEquals(ServerStatus.counter(before, meter), ServerStatus.counter(now, meter), meter);
        }
        assertEquals(ServerStatus.timerCount(before, "agentstream.client.gap.difference"),
                ServerStatus.timerCount(now, "agentstream.client.gap.difference"));
    }
}
