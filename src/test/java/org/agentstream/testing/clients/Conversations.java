package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.glassfish.tyrus.core.HandshakeException;

/** The frames and exchanges of the protocol that ITs build on: owners, messages, requests and their answers. */
public final class Conversations {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STORED_POLL = Duration.ofMillis(250);

    private Conversations() {
    }

    /** {@code word0 word1 ...}: a text of {@code count} words that echo replies word by word. */
    public static String words(int count) {
        return IntStream.range(0, count).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    }

    /** A random owner key of 32 URL-safe characters, as the server's cookie holds. */
    public static String newKey() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    public static Map<String, List<String>> owner(String key) {
        return Map.of("Cookie", List.of("agentstream-owner=" + key));
    }

    public static String message(String id, String agent, String content, String conversationId) {
        JsonObjectBuilder frame = Json.createObjectBuilder().add("type", "message").add("id", id).add("agent", agent)
                .add("content", content);
        if (conversationId != null) {
            frame.add("conversationId", conversationId);
        }
        return frame.build().toString();
    }

    /** A {@code message} that edits the user message {@code replaces} of the conversation. */
    public static String edit(String id, String agent, String content, String conversationId, String replaces) {
        return Json.createObjectBuilder().add("type", "message").add("id", id).add("agent", agent)
                .add("content", content).add("conversationId", conversationId).add("replaces", replaces).build()
                .toString();
    }

    /** A {@code regenerate} of the reply {@code messageId}, the last of its conversation. */
    public static String regenerate(String id, String messageId) {
        return Json.createObjectBuilder().add("type", "regenerate").add("id", id).add("messageId", messageId).build()
                .toString();
    }

    public static String request(String type, String id, String conversationId) {
        JsonObjectBuilder frame = Json.createObjectBuilder().add("type", type).add("id", id);
        if (conversationId != null) {
            frame.add("conversationId", conversationId);
        }
        return frame.build().toString();
    }

    public static String cancel(String messageId) {
        return Json.createObjectBuilder().add("type", "cancel").add("messageId", messageId).build().toString();
    }

    /** A {@code resume} of the reply {@code messageId} after the client's last chunk {@code afterSeq} (-1: none). */
    public static String resume(String id, String messageId, int afterSeq) {
        return Json.createObjectBuilder().add("type", "resume").add("id", id).add("messageId", messageId)
                .add("afterSeq", afterSeq).build().toString();
    }

    /**
     * A connection to the application at {@code base} with the session of {@code cookie}, once the server has opened
     * it (it answered an {@code agents} request on it).
     */
    public static ChatClient opened(URL base, String cookie) throws IOException, InterruptedException {
        ChatClient client;
        try {
            client = ChatClient.connect(base, Map.of("Cookie", List.of(cookie)));
        } catch (DeploymentException e) {
            throw new IOException("no chat connection to " + base + ": " + e.getMessage()
                    + (e.getCause() instanceof HandshakeException refused ? " (HTTP " + refused.getHttpStatusCode()
                            + ")" : ""), e);
        }
        client.send(request("agents", "open", null));
        assertEquals("agents", client.next(WAIT).type());
        return client;
    }

    /** Asks and reads the reply to its end. */
    public static Reply ask(ChatClient client, String id, String agent, String content, String conversationId)
            throws IOException, InterruptedException {
        client.send(message(id, agent, content, conversationId));
        Reply reply = client.reply(id, WAIT);
        assertEquals("complete", reply.status(), () -> "reply " + id + ": " + reply.end().json() + reply.errors());
        return reply;
    }

    /** The {@code history} answer, the next frame (nothing else streams on the connection meanwhile). */
    public static JsonObject history(ChatClient client, String id, String conversationId)
            throws IOException, InterruptedException {
        client.send(request("history", id, conversationId));
        Frame answer = client.next(WAIT);
        assertEquals("history", answer.type(), answer.json().toString());
        assertEquals(conversationId, answer.text("conversationId"));
        assertEquals(0, answer.json().getInt("olderLeftOut"));
        return answer.json();
    }

    /**
     * The stored reply {@code messageId} of a conversation, once its {@code history} lists it: asked again every
     * {@link #STORED_POLL} for {@code within} at most (a reply is stored when it ends, off the send path, perhaps by
     * another node). Fails the test if the history lists it more than once, or not by then.
     */
    public static JsonObject storedReply(ChatClient client, String conversationId, String messageId, Duration within)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (int asked = 0;; asked++) {
            JsonArray messages = history(client, "stored-" + asked, conversationId).getJsonArray("messages");
            List<JsonObject> stored = messages.getValuesAs(JsonObject.class).stream()
                    .filter(message -> messageId.equals(message.getString("messageId", null))).toList();
            assertTrue(stored.size() <= 1, "the reply is stored once: " + messages);
            if (stored.size() == 1) {
                return stored.get(0);
            }
            assertTrue(System.nanoTime() < deadline, "reply " + messageId + " is not stored within " + within
                    + "; the conversation holds " + messages);
            TimeUnit.MILLISECONDS.sleep(STORED_POLL.toMillis());
        }
    }

    public static JsonArray conversations(ChatClient client, String id) throws IOException, InterruptedException {
        client.send(request("conversations", id, null));
        Frame answer = client.next(WAIT);
        assertEquals("conversations", answer.type(), answer.json().toString());
        return answer.json().getJsonArray("conversations");
    }

    /** The conversation's entry in a list, or null. */
    public static JsonObject listed(JsonArray conversations, String conversationId) {
        return conversations.getValuesAs(JsonObject.class).stream()
                .filter(entry -> conversationId.equals(entry.getString("conversationId"))).findFirst().orElse(null);
    }

    public static List<String> contents(JsonArray messages) {
        return messages.getValuesAs(JsonObject.class).stream().map(message -> message.getString("content")).toList();
    }
}
