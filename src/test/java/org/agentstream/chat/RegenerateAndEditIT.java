package org.agentstream.chat;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.contents;
import static org.agentstream.testing.clients.Conversations.edit;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.newKey;
import static org.agentstream.testing.clients.Conversations.owner;
import static org.agentstream.testing.clients.Conversations.regenerate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.fixtures.DeployedAppWithModel;
import org.junit.jupiter.api.Test;

/**
 * Regenerate and edit as a client does them, with the fake model recording what the agent is sent: a new reply to the
 * same user message, an edited message, the conversation the model sees afterwards and the history the client gets
 * (the current branch), and the refusals: another user's ids, a reply that is not the last, a reply still streaming,
 * two regenerates at once, an agent's message or another conversation's named as the one to edit, the message rate.
 */
class RegenerateAndEditIT extends DeployedAppWithModel {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The messages the model was sent for the last {@link #askModel}, as "role: content". */
    private List<String> modelSaw;

    @Test
    void aRegeneratedReplyAnswersTheSameMessageAndTheModelSeesOnlyTheNewOneAfterwards() throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.system-prompt", "Be brief."));
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply first = askModel(client, "q1", "Capital of France?", null, "Paris");
            String conversationId = first.start().text("conversationId");
            Reply second = askModel(client, "q2", "And of Germany?", conversationId, "Bonn");

            model.answer(Script.tokens(List.of("Berlin", ", ", "of course"), Duration.ofMillis(5)));
            client.send(regenerate("g1", second.start().text("messageId")));
            Reply again = client.reply("g1", WAIT);

            assertEquals("complete", again.status(), again.errors().toString());
            assertEquals("Berlin, of course", again.text());
            assertEquals(3, again.chunks().size(), "streamed like any reply");
            assertEquals(conversationId, again.start().text("conversationId"));
            assertEquals(second.start().text("userMessageId"), again.start().text("userMessageId"),
                    "it answers the same user message");
            assertEquals(List.of("system: Be brief.", "user: Capital of France?", "assistant: Paris",
                    "user: And of Germany?"), messages(model.awaitExchange(WAIT).request()),
                    "the model is asked the same question after the same turns");
            JsonArray stored = history(client, "h1", conversationId).getJsonArray("messages");
            assertEquals(List.of("Capital of France?", "Paris", "And of Germany?", "Berlin, of course"),
                    contents(stored), "the history shows the current branch");
            assertEquals(again.start().text("messageId"), stored.getJsonObject(3).getString("messageId"));

            askModel(client, "q3", "And of Italy?", conversationId, "Rome");
            assertEquals(List.of("system: Be brief.", "user: Capital of France?", "assistant: Paris",
                    "user: And of Germany?", "assistant: Berlin, of course", "user: And of Italy?"), modelSaw,
                    "the old reply is gone from what the model sees");
        }
    }

    @Test
    void anEditedMessageIsAnsweredAndTheModelNoLongerSeesWhatItReplaced() throws Exception {
        configureGpt(Map.of("agentstream.agent.gpt.system-prompt", "Be brief."));
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply first = askModel(client, "q1", "Capital of France?", null, "Paris");
            String conversationId = first.start().text("conversationId");
            askModel(client, "q2", "And of Germany?", conversationId, "Berlin");

            model.answer(Script.tokens(List.of("Madrid"), Duration.ZERO));
            client.send(edit("e1", "gpt", "Capital of Spain?", conversationId, first.start().text("userMessageId")));
            Reply edited = client.reply("e1", WAIT);

            assertEquals("complete", edited.status(), edited.errors().toString());
            assertEquals("Madrid", edited.text());
            assertEquals(List.of("system: Be brief.", "user: Capital of Spain?"),
                    messages(model.awaitExchange(WAIT).request()), "the model sees nothing of what it replaced");
            JsonArray stored = history(client, "h1", conversationId).getJsonArray("messages");
            assertEquals(List.of("Capital of Spain?", "Madrid"), contents(stored));
            assertEquals(edited.start().text("userMessageId"), stored.getJsonObject(0).getString("messageId"),
                    "the history names the user message as its stream_start did");

            askModel(client, "q3", "And of Portugal?", conversationId, "Lisbon");
            assertEquals(List.of("system: Be brief.", "user: Capital of Spain?", "assistant: Madrid",
                    "user: And of Portugal?"), modelSaw);
        }
    }

    @Test
    void hostileRegeneratesAndEditsGetAClearErrorAndChangeNothing() throws Exception {
        String key = newKey();
        try (ChatClient alice = ChatClient.connect(base, owner(key));
                ChatClient mallory = ChatClient.connect(base, owner(newKey()))) {
            Reply first = ask(alice, "a1", "echo", "one", null);
            String conversationId = first.start().text("conversationId");
            Reply second = ask(alice, "a2", "echo", "two", conversationId);
            Reply elsewhere = ask(alice, "a3", "echo", "elsewhere", null);
            Reply mine = ask(mallory, "m1", "echo", "mine", null);
            String lastReply = second.start().text("messageId");
            String userMessage = second.start().text("userMessageId");

            assertRefused(mallory, regenerate("x1", lastReply), "unknown_message");
            assertRefused(mallory, edit("x2", "echo", "x", conversationId, userMessage), "unknown_conversation");
            assertRefused(mallory, edit("x3", "echo", "x", mine.start().text("conversationId"), userMessage),
                    "unknown_message");
            assertRefused(alice, regenerate("x4", first.start().text("messageId")), "not_last_reply");
            assertRefused(alice, regenerate("x5", userMessage), "unknown_message");
            assertRefused(alice, regenerate("x6", "no-such-reply"), "unknown_message");
            assertRefused(alice, edit("x7", "echo", "x", conversationId, lastReply), "unknown_message");
            assertRefused(alice, edit("x8", "echo", "x", conversationId, elsewhere.start().text("userMessageId")),
                    "unknown_message");
            assertRefused(alice, edit("x9", "nobody", "x", conversationId, userMessage), "unknown_agent");
            assertRefused(alice, "{\"type\":\"regenerate\",\"id\":\"x10\"}", "bad_frame");
            assertRefused(alice, "{\"type\":\"message\",\"id\":\"x11\",\"agent\":\"echo\",\"content\":\"x\","
                    + "\"replaces\":\"" + userMessage + "\"}", "bad_frame");

            assertEquals(List.of("one", "one", "two", "two"),
                    contents(history(alice, "h1", conversationId).getJsonArray("messages")), "nothing changed");
        }
    }

    @Test
    void ofTwoRegeneratesAtOnceExactlyOneWinsAndNothingBranchesWhileItStreams() throws Exception {
        configureGpt(Map.of());
        String key = newKey();
        try (ChatClient tab1 = ChatClient.connect(base, owner(key));
                ChatClient tab2 = ChatClient.connect(base, owner(key))) {
            Reply first = askModel(tab1, "q1", "Hello?", null, "Hi");
            String conversationId = first.start().text("conversationId");
            String reply = first.start().text("messageId");
            model.answer(Script.tokens(200, Duration.ofMillis(20)));

            tab1.send(regenerate("g1", reply));
            tab2.send(regenerate("g2", reply));
            Frame answer1 = tab1.answerTo("g1", WAIT);
            Frame answer2 = tab2.answerTo("g2", WAIT);

            List<Frame> answers = List.of(answer1, answer2);
            assertEquals(1, answers.stream().filter(frame -> frame.type().equals("stream_start")).count(),
                    "exactly one regenerate wins: " + answers);
            Frame lost = answers.stream().filter(frame -> frame.type().equals("error")).findFirst().orElseThrow();
            assertTrue(Set.of("not_last_reply", "already_streaming").contains(lost.text("code")), lost.json()
                    .toString());
            ChatClient winner = answer1.type().equals("stream_start") ? tab1 : tab2;
            Frame started = answer1.type().equals("stream_start") ? answer1 : answer2;
            winner.next("chunk", WAIT);

            assertRefused(tab1, regenerate("s1", started.text("messageId")), "already_streaming");
            assertRefused(tab2, edit("s2", "gpt", "x", conversationId, first.start().text("userMessageId")),
                    "already_streaming");
            assertRefused(tab1, regenerate("s3", reply), "not_last_reply");

            winner.cancel(started.text("messageId"));
            assertEquals("cancelled", winner.next("stream_end", WAIT).text("status"));
            JsonArray stored = history(tab1, "h1", conversationId).getJsonArray("messages");
            assertEquals(2, stored.size(), stored.toString());
            assertEquals(started.text("messageId"), stored.getJsonObject(1).getString("messageId"),
                    "the new reply took the old one's place");
        }
    }

    @Test
    void regeneratesCountAgainstTheMessageRate() throws Exception {
        configureGpt(Map.of("agentstream.chat.max-messages-per-minute", "2"));
        try (ChatClient client = ChatClient.connect(base, owner(newKey()))) {
            Reply first = ask(client, "q1", "echo", "one", null);
            client.send(regenerate("g1", first.start().text("messageId")));
            Reply again = client.reply("g1", WAIT);
            assertEquals("complete", again.status());

            client.send(regenerate("g2", again.start().text("messageId")));
            Frame refused = client.answerTo("g2", WAIT);

            assertEquals("rate_limited", refused.text("code"), refused.json().toString());
            assertNotNull(refused.json().getJsonNumber("retryAfterMs"));
            assertTrue(refused.json().getJsonNumber("retryAfterMs").longValue() > 0);
        }
    }

    /**
     * Asks the model, which answers {@code answer}, and reads the reply to its end; what the model was sent is in
     * {@link #modelSaw}.
     */
    private Reply askModel(ChatClient client, String id, String content, String conversationId, String answer)
            throws Exception {
        model.answer(Script.tokens(List.of(answer), Duration.ZERO));
        Reply reply = ask(client, id, "gpt", content, conversationId);
        assertEquals(answer, reply.text());
        modelSaw = messages(model.awaitExchange(WAIT).request());
        return reply;
    }

    /** Sends {@code frame} and asserts that its answer is an error with {@code code}. */
    private static void assertRefused(ChatClient client, String frame, String code) throws Exception {
        String id = Json.createReader(new StringReader(frame)).readObject().getString("id");
        client.send(frame);
        Frame answer = client.answerTo(id, WAIT);
        assertEquals("error", answer.type(), frame + " -> " + answer.json());
        assertEquals(code, answer.text("code"), frame + " -> " + answer.json());
    }

    private static List<String> messages(JsonObject modelRequest) {
        return modelRequest.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(message -> message.getString("role") + ": " + message.getString("content")).toList();
    }
}
