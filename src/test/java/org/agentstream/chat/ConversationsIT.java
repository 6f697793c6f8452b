package org.agentstream.chat;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.contents;
import static org.agentstream.testing.clients.Conversations.conversations;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.listed;
import static org.agentstream.testing.clients.Conversations.message;
import static org.agentstream.testing.clients.Conversations.newKey;
import static org.agentstream.testing.clients.Conversations.owner;
import static org.agentstream.testing.clients.Conversations.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.fixtures.DeployedAppWithModel;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/**
 * Conversations as a client sees them: the earlier turns reach the agents, {@code history} and {@code conversations}
 * show what was sent (a cancelled reply exactly as far as it went), only the owner key of the cookie reaches a
 * conversation, and unknown or malformed ids get their error while the connection goes on.
 */
class ConversationsIT extends DeployedAppWithModel {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theSecondTurnReachesTheModelWithTheFirstInItsMessages() throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.system-prompt", "You are terse."));
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            model.answer(Script.tokens(List.of("Paris", " it is"), Duration.ZERO));
            Reply first = ask(client, "t1", "gpt", "Capital of France?", null);
            assertEquals("complete", first.status());
            assertEquals("Paris it is", first.text());
            String conversationId = first.start().text("conversationId");
            assertNotNull(conversationId, "stream_start names the new conversation");
            assertEquals(List.of("system: You are terse.", "user: Capital of France?"),
                    messages(model.awaitExchange(WAIT).request()));

            model.answer(Script.tokens(List.of("Berlin"), Duration.ZERO));
            Reply second = ask(client, "t2", "gpt", "And of Germany?", conversationId);
            assertEquals("complete", second.status());
            assertEquals(conversationId, second.start().text("conversationId"));
            assertEquals(List.of("system: You are terse.", "user: Capital of France?", "assistant: Paris it is",
                    "user: And of Germany?"), messages(model.awaitExchange(WAIT).request()));
        }
    }

    @Test
    void historyAndTheListShowBothTurnsAsTheyWereSent() throws Exception {
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply first = ask(client, "h1", "echo", "Hello there, history", null);
            String conversationId = first.start().text("conversationId");
            Reply second = ask(client, "h2", "echo", "Second turn", conversationId);

            JsonArray messages = history(client, "read", conversationId).getJsonArray("messages");
            assertEquals(4, messages.size(), messages.toString());
            assertUserMessage(messages.getJsonObject(0), first, "echo", "Hello there, history");
            assertReply(messages.getJsonObject(1), first, "echo", "complete");
            assertUserMessage(messages.getJsonObject(2), second, "echo", "Second turn");
            assertReply(messages.getJsonObject(3), second, "echo", "complete");
            assertTrue(createdAt(messages, 0) <= createdAt(messages, 2)
                    && createdAt(messages, 1) <= createdAt(messages, 3),
                    "each turn after the one before: " + messages);

            JsonObject listed = listed(conversations(client, "list"), conversationId);
            assertNotNull(listed, "the conversation is listed");
            assertEquals("Hello there, history", listed.getString("title"));
            assertEquals(4, listed.getInt("messages"));
            assertTrue(listed.getJsonNumber("updatedAt").longValueExact() >= createdAt(messages, 3),
                    "updated by the last reply: " + listed);

            String longQuestion = "x".repeat(100);
            String other = ask(client, "h3", "echo", longQuestion, null).start().text("conversationId");
            JsonArray all = conversations(client, "list2");
            assertEquals("x".repeat(79) + "…", listed(all, other).getString("title"), "a long title is cut");
            for (int i = 1; i < all.size(); i++) {
                assertTrue(updatedAt(all, i - 1) >= updatedAt(all, i), "newest first: " + all);
            }
        }
    }

    @Test
    void aCancelledReplyIsStoredWithExactlyTheTextTheClientReceived() throws Exception {
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            client.send(message("long", "endless", "go on", null));
            Frame start = client.next("stream_start", WAIT);
            List<Frame> chunks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                chunks.add(client.next("chunk", WAIT));
            }
            client.cancel(start.text("messageId"));
            Frame frame;
            while (!"stream_end".equals((frame = client.next(WAIT)).type())) {
                assertEquals("chunk", frame.type(), "only chunks until the end: " + frame.json());
                chunks.add(frame);
            }
            assertEquals("cancelled", frame.text("status"));
            assertEquals(chunks.size(), frame.json().getInt("chunks"));
            String received = chunks.stream().map(chunk -> chunk.text("delta")).collect(Collectors.joining());

            // asked right after stream_end, which the reply may be stored just after: history waits for that write
            JsonArray messages = history(client, "after-cancel", start.text("conversationId"))
                    .getJsonArray("messages");
            assertEquals(2, messages.size(), messages.toString());
            JsonObject stored = messages.getJsonObject(1);
            assertEquals("cancelled", stored.getString("status"));
            assertEquals(received, stored.getString("content"));
            assertEquals(chunks.size(), stored.getInt("chunks"));
            assertEquals(start.text("messageId"), stored.getString("messageId"));
        }
    }

    @Test
    void anotherOwnerCanNeitherListNorReadNorContinueNorDeleteIt() throws Exception {
        String key = newKey();
        String conversationId;
        try (ChatClient owner = ChatClient.connect(base, owner(key))) {
            conversationId = ask(owner, "mine", "echo", "my secret", null).start().text("conversationId");
        }
        for (Map<String, List<String>> stranger : List.of(owner(newKey()), Map.<String, List<String>>of())) {
            try (ChatClient other = ChatClient.connect(base, stranger)) {
                assertEquals(null, listed(conversations(other, "list"), conversationId), "not in another's list");
                assertUnknownConversation(other, request("history", "read", conversationId), "read");
                other.send(message("continue", "echo", "let me in", conversationId));
                assertUnknownConversation(other, null, "continue");
                assertUnknownConversation(other, request("delete_conversation", "delete", conversationId), "delete");
            }
        }
        try (ChatClient sameKey = ChatClient.connect(base, owner(key))) {
            JsonObject listed = listed(conversations(sameKey, "list"), conversationId);
            assertNotNull(listed, "the owner key reaches it from another connection");
            assertEquals(2, listed.getInt("messages"), "nothing the others sent was stored");
            JsonArray messages = history(sameKey, "read", conversationId).getJsonArray("messages");
            assertEquals(List.of("my secret", "my secret"), contents(messages));
            sameKey.send(request("delete_conversation", "delete", conversationId));
            Frame deleted = sameKey.next(WAIT);
            assertEquals("conversation_deleted", deleted.type(), deleted.json().toString());
            assertEquals(conversationId, deleted.text("conversationId"));
        }
    }

    @Test
    void unknownAndMalformedIdsAreRefusedAndTheConnectionGoesOn() throws Exception {
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            String madeUp = UUID.randomUUID().toString();
            client.send(message("m", "echo", "hello?", madeUp));
            assertUnknownConversation(client, null, "m");
            assertUnknownConversation(client, request("history", "h", madeUp), "h");
            assertUnknownConversation(client, request("delete_conversation", "d", madeUp), "d");
            assertUnknownConversation(client, request("history", "h64", "c".repeat(64)), "h64");

            String tooLong = "c".repeat(65);
            for (String frame : List.of(message("m65", "echo", "hi", tooLong), request("history", "h65", tooLong),
                    request("delete_conversation", "d65", tooLong))) {
                client.send(frame);
                Frame error = client.next(WAIT);
                assertEquals("error", error.type(), error.json().toString());
                assertEquals("bad_frame", error.text("code"), error.json().toString());
                assertEquals(frame.substring(frame.indexOf("\"id\":\"") + 6).split("\"")[0], error.text("replyTo"));
            }

            String conversationId = ask(client, "new", "echo", "delete me", null).start().text("conversationId");
            client.send(request("delete_conversation", "del1", conversationId));
            Frame deleted = client.next(WAIT);
            assertEquals("conversation_deleted", deleted.type(), deleted.json().toString());
            assertEquals(conversationId, deleted.text("conversationId"));
            assertUnknownConversation(client, request("delete_conversation", "del2", conversationId), "del2");
            assertUnknownConversation(client, request("history", "gone", conversationId), "gone");
            assertEquals(null, listed(conversations(client, "list"), conversationId), "a deleted one is not listed");

            Reply after = ask(client, "after", "echo", "still streaming fine", null);
            assertEquals("complete", after.status());
            assertEquals("still streaming fine", after.text());
        }
    }

    @Test
    void recallIsGivenTheEarlierTurns() throws Exception {
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply fresh = ask(client, "r0", "recall", "anything?", null);
            assertEquals("I was given no earlier turns.", fresh.text());

            String conversationId = ask(client, "r1", "echo", "My name is Ada", null).start().text("conversationId");
            Reply recall = ask(client, "r2", "recall", "What do you remember?", conversationId);
            assertEquals("complete", recall.status());
            assertEquals("I was given 2 earlier turns. The first thing you said was: \"My name is Ada\".",
                    recall.text());
        }
    }

    /**
     * Three messages sent back to back into one conversation; the first reply is held open until the other two have
     * ended, so the replies end in another order than their questions arrived, and the history still follows arrival.
     */
    @Test
    void concurrentMessagesAreStoredInTheOrderTheServerReceivedThem() throws Exception {
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply opening = ask(client, "c0", "echo", "opening", null);
            String conversationId = opening.start().text("conversationId");
            client.send(message("c1", "held", "one one", conversationId));
            client.send(message("c2", "echo", "two", conversationId));
            client.send(message("c3", "echo", "three", conversationId));
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> read.ended("c2") && read.ended("c3") && read.started("c1")
                    && !read.chunks("c1").isEmpty(), WAIT);
            assertFalse(replies.ended("c1"), "the held reply is still open");
            assertEquals(1, TestSupport.releaseHeldReplies(base));
            client.readUntil(replies, read -> read.ended("c1"), WAIT);

            JsonArray messages = history(client, "all", conversationId).getJsonArray("messages");
            assertEquals(List.of("opening", "opening", "one one", "one one", "two", "two", "three", "three"),
                    contents(messages));
            assertReply(messages.getJsonObject(3), replies.reply("c1"), "held", "complete");
            assertReply(messages.getJsonObject(5), replies.reply("c2"), "echo", "complete");
            assertReply(messages.getJsonObject(7), replies.reply("c3"), "echo", "complete");
        }
    }

    /** Sends {@code frame} (if any) and expects the next frame to refuse it as an unknown conversation. */
    private static void assertUnknownConversation(ChatClient client, String frame, String id)
            throws IOException, InterruptedException {
        if (frame != null) {
            client.send(frame);
        }
        Frame error = client.next(WAIT);
        assertEquals("error", error.type(), error.json().toString());
        assertEquals("unknown_conversation", error.text("code"), error.json().toString());
        assertEquals(id, error.text("replyTo"), error.json().toString());
    }

    /** A user's message as stored, with the server's id that the stream_start of its {@code reply} gave. */
    private static void assertUserMessage(JsonObject message, Reply reply, String agent, String content) {
        assertEquals("user", message.getString("role"), message.toString());
        assertEquals(agent, message.getString("agent"));
        assertEquals(content, message.getString("content"));
        assertEquals("complete", message.getString("status"));
        assertEquals(reply.start().text("userMessageId"), message.getString("messageId"), message.toString());
        assertEquals(0, message.getInt("chunks"));
    }

    private static void assertReply(JsonObject message, Reply reply, String agent, String status) {
        assertEquals("assistant", message.getString("role"), message.toString());
        assertEquals(agent, message.getString("agent"));
        assertEquals(status, message.getString("status"));
        assertEquals(reply.text(), message.getString("content"));
        assertEquals(reply.start().text("messageId"), message.getString("messageId"));
        assertEquals(reply.chunks().size(), message.getInt("chunks"));
        assertNotEquals(0, message.getJsonNumber("createdAt").longValueExact());
    }

    private static long createdAt(JsonArray messages, int index) {
        return messages.getJsonObject(index).getJsonNumber("createdAt").longValueExact();
    }

    private static long updatedAt(JsonArray conversations, int index) {
        return conversations.getJsonObject(index).getJsonNumber("updatedAt").longValueExact();
    }

    private static List<String> messages(JsonObject modelRequest) {
        return modelRequest.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(message -> message.getString("role") + ": " + message.getString("content")).toList();
    }
}
