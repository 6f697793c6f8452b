package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/** Past the server's limit of concurrent replies, every request still gets an answer: a full reply or busy. */
class FloodIT extends DeployedApp {

    private static final String MAX_STREAMS = "agentstream.stream.max-streams";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String id(int client, int request) {
        return "c" + client + "-r" + request;
    }

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
                        clients.get(c).ask(id(c, r), "held", content);
                    }
                }

                // held replies stop halfway, so all 60 requests meet the limit before any reply ends
                List<ChatClient.Replies> answers = new ArrayList<>();
                for (int c = 0; c < clients.size(); c++) {
                    int client = c;
                    answers.add(new ChatClient.Replies());
                    clients.get(c).readUntil(answers.get(c), read -> IntStream.range(0, 6).mapToObj(r -> id(client, r))
                            .allMatch(id -> !read.errors(id).isEmpty() || !read.chunks(id).isEmpty()), WAIT);
                }
                int held = TestSupport.releaseHeldReplies(base);

                int complete = 0;
                int busy = 0;
                for (int c = 0; c < clients.size(); c++) {
                    int client = c;
                    ChatClient.Replies replies = answers.get(c);
                    clients.get(c).readUntil(replies, read -> IntStream.range(0, 6).mapToObj(r -> id(client, r))
                            .allMatch(id -> !read.started(id) || read.ended(id)), WAIT);
                    for (int r = 0; r < 6; r++) {
                        String id = id(c, r);
                        for (ChatClient.Frame error : replies.errors(id)) {
                            assertEquals("busy", error.text("code"), error.json().toString());
                            assertTrue(!replies.started(id), "one answer per request: " + error.json());
                            busy++;
                        }
                        if (replies.started(id)) {
                            ChatClient.Frame end = replies.reply(id).end();
                            assertEquals("complete", end.text("status"), end.json().toString());
                            assertEquals(30, end.json().getInt("chunks"), "the whole reply was sent");
                            complete++;
                        }
                    }
                }
                assertEquals(complete, held, "every reply streaming was held until the flood was answered");

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
