package org.agentstream.benchmark;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;

/**
 * The soak's check that no reply was lost: signed in as each user, it reads back through the protocol
 * ({@code history} frames) every conversation that user's replies went into, and looks for each reply a client saw
 * end: it must be stored exactly once, with the text the client put together from its chunks (and its status).
 */
final class StoredReplies {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);
    /** History requests in flight at once on the checking connection. */
    private static final int IN_FLIGHT = 8;
    private static final int EXAMPLES_KEPT = 10;

    /**
     * What the check found for the replies seen: stored once with the same text and status, not found, found more
     * than once, stored with another text, or with another status; conversations that could not be read whole.
     */
    record Outcome(int seen, int storedOnce, int missing, int twice, int otherText, int otherStatus,
            int conversationsRead, int conversationsUnread, List<String> examples) {

        boolean nothingLost() {
            return seen > 0 && storedOnce == seen && conversationsUnread == 0;
        }
    }

    private StoredReplies() {
    }

    static Outcome check(URL base, HttpClient http, Map<String, Set<String>> conversations,
            List<SoakLedger.SeenReply> seen) throws IOException, InterruptedException {
        List<String> examples = new ArrayList<>();
        Map<String, JsonArray> stored = new HashMap<>();
        int unread = 0;
        for (Map.Entry<String, Set<String>> user : conversations.entrySet()) {
            unread += read(base, http, user.getKey(), user.getValue(), stored, examples);
        }
        int once = 0;
        int missing = 0;
        int twice = 0;
        int otherText = 0;
        int otherStatus = 0;
        for (SoakLedger.SeenReply reply : seen) {
            List<JsonObject> found = stored.getOrDefault(reply.conversationId(), JsonArray.EMPTY_JSON_ARRAY)
                    .getValuesAs(JsonObject.class).stream()
                    .filter(message -> reply.messageId().equals(message.getString("messageId", null))).toList();
            String problem = null;
            if (found.isEmpty()) {
                missing++;
                problem = "not stored";
            } else if (found.size() > 1) {
                twice++;
                problem = "stored " + found.size() + " times";
            } else if (!reply.text().equals(found.get(0).getString("content", null))) {
                otherText++;
                problem = "stored with another text: " + found.get(0).getString("content", null);
            } else if (!Objects.equals(reply.status(), found.get(0).getString("status", null))) {
                otherStatus++;
                problem = "stored as " + found.get(0).getString("status", null);
            } else {
                once++;
            }
            if (problem != null && examples.size() < EXAMPLES_KEPT) {
                examples.add(reply.user() + "'s reply " + reply.messageId() + " (" + reply.status() + ", seen as \""
                        + reply.text() + "\"): " + problem);
            }
        }
        return new Outcome(seen.size(), once, missing, twice, otherText, otherStatus, stored.size(), unread,
                examples);
    }

    /**
     * Reads the user's conversations into {@code stored}, a few requests in flight, waiting out rate_limited;
     * returns how many could not be read whole.
     */
    private static int read(URL base, HttpClient http, String user, Set<String> conversations,
            Map<String, JsonArray> stored, List<String> examples) throws IOException, InterruptedException {
        String cookie = SignIn.signIn(base, user, BuildUsers.passwordOf(user));
        URI chat = ChatClient.chatUri(base);
        SoakSocket socket = SoakSocket.open(http, chat, cookie);
        int unread = 0;
        try {
            Deque<String> toAsk = new ArrayDeque<>(conversations);
            Map<String, String> asked = new HashMap<>();
            int ids = 0;
            while (!toAsk.isEmpty() || !asked.isEmpty()) {
                while (asked.size() < IN_FLIGHT && !toAsk.isEmpty()) {
                    String conversationId = toAsk.poll();
                    String id = "v" + ++ids;
                    asked.put(id, conversationId);
                    socket.send(Conversations.request("history", id, conversationId));
                }
                JsonObject answer = socket.next(ANSWER_WITHIN);
                if (answer == null || SoakSocket.CLOSED.equals(answer.getString("type", null))) {
                    unread += toAsk.size() + asked.size();
                    example(examples, user + ": reading back ended with " + answer + ", " + (toAsk.size()
                            + asked.size()) + " conversations unread");
                    break;
                }
                if ("history".equals(answer.getString("type", null))) {
                    String conversationId = answer.getString("conversationId");
                    asked.values().remove(conversationId);
                    stored.put(conversationId, answer.getJsonArray("messages"));
                    if (answer.getInt("olderLeftOut", 0) > 0) {
                        unread++;
                        example(examples, user + "'s conversation " + conversationId + " is too long to read whole");
                    }
                    continue;
                }
                String conversationId = asked.remove(answer.getString("replyTo", ""));
                if (conversationId != null && "rate_limited".equals(answer.getString("code", null))) {
                    long waitMs = answer.get("retryAfterMs") instanceof JsonNumber number ? number.longValue() : 1000;
                    TimeUnit.MILLISECONDS.sleep(Math.min(10_000, waitMs));
                    toAsk.addFirst(conversationId);
                } else {
                    unread++;
                    example(examples, user + ": " + answer + " for conversation " + conversationId);
                }
            }
        } finally {
            socket.close();
            SignIn.signOut(base, cookie);
        }
        return unread;
    }

    private static void example(List<String> examples, String what) {
        if (examples.size() < EXAMPLES_KEPT) {
            examples.add(what);
        }
    }
}
