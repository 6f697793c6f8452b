package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agentstream.testing.ChatClient;
import org.agentstream.testing.DeployedApp;
import org.agentstream.testing.ServerStatus;
import org.agentstream.testing.ServerAdmin;
import org.junit.jupiter.api.Test;

/** Past the server's limit of concurrent replies, every request still gets an answer: a full reply or busy. */
class FloodIT extends DeployedApp {

    private static final String MAX_STREAMS = "agentstream.stream.max-streams";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyRequestPastTheLimitGetsAFullReplyOrBusy() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(MAX_STREAMS, "20");
            List<ChatClient> clients = new ArrayList<>();
            try {
                JsonObject before = ServerStatus.awaitIdle(base, WAIT);
                String content = "flood " + String.join(" ", java.util.Collections.nCopies(29, "word"));
                for (int c = 0; c < 10; c++) {
                    clients.add(ChatClient.connect(base));
                }
                for (int r = 0; r < 6; r++) {
                    for (int c = 0; c < clients.size(); c++) {
                        clients.get(c).ask("c" + c + "-r" + r, "echo", content);
                    }
                }

                int complete = 0;
                int busy = 0;
                for (int c = 0; c < clients.size(); c++) {
                    Set<String> open = new HashSet<>();
                    for (int r = 0; r < 6; r++) {
                        open.add("c" + c + "-r" + r);
                    }
                    StringBuilder text = new StringBuilder();
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (!open.isEmpty()) {
                        ChatClient.Frame frame = clients.get(c)
                                .next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                        switch (frame.type()) {
                            case "error" -> {
                                assertEquals("busy", frame.text("code"), frame.json().toString());
                                assertTrue(open.remove(frame.text("replyTo")), "one answer per request: " + frame.json());
                                busy++;
                            }
                            case "stream_end" -> {
                                assertEquals("complete", frame.text("status"), frame.json().toString());
                                assertEquals(30, frame.json().getInt("chunks"), "the whole reply was sent");
                                assertTrue(open.remove(frame.text("replyTo")), "one answer per request: " + frame.json());
                                complete++;
                            }
                            default -> {
                            }
                        }
                    }
                }

                JsonObject after = ServerStatus.awaitIdle(base, WAIT);
                System.out.printf("[flood] 60 requests, limit 20: %d complete, %d busy, 0 lost; server: %s%n",
                        complete, busy, after);
                assertEquals(60, complete + busy, "every request got an answer");
                assertTrue(complete >= 20, "the server streamed up to its limit: " + complete);
                assertTrue(busy > 0, "the flood went past the limit");
                assertEquals(busy, after.getInt("busy") - before.getInt("busy"));
                assertEquals(complete, after.getInt("completed") - before.getInt("completed"));
                assertTrue(after.getBoolean("idle"));
            } finally {
                for (ChatClient client : clients) {
                    client.close();
                }
                admin.removeSetting(MAX_STREAMS);
            }
        }
    }
}
