package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.fixtures.DeployedApp;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets a clear error frame, and the same connection then streams normally. */
class BadInputIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private record Case(String name, String frame, String code, String replyTo) {
    }

    @Test
    void everyBadInputGetsItsErrorFrameAndTheConnectionStaysUsable() throws Exception {
        String oversized = "{\"type\":\"message\",\"id\":\"big\",\"agent\":\"echo\",\"content\":\""
                + "x".repeat(65 * 1024) + "\"}";
        List<Case> cases = List.of(
                new Case("malformed JSON", "{\"type\":\"message\",", "bad_frame", null),
                new Case("not JSON at all", "hello", "bad_frame", null),
                new Case("a JSON array", "[1,2,3]", "bad_frame", null),
                new Case("no type", "{\"id\":\"n1\"}", "bad_frame", "n1"),
                new Case("unknown type", "{\"type\":\"dance\",\"id\":\"n2\"}", "bad_frame", "n2"),
                new Case("message without id", "{\"type\":\"message\",\"agent\":\"echo\",\"content\":\"hi\"}",
                        "bad_frame", null),
                new Case("empty content", "{\"type\":\"message\",\"id\":\"n3\",\"agent\":\"echo\",\"content\":\"\"}",
                        "bad_frame", "n3"),
                new Case("missing agent", "{\"type\":\"message\",\"id\":\"n4\",\"content\":\"hi\"}", "bad_frame", "n4"),
                new Case("unknown agent",
                        "{\"type\":\"message\",\"id\":\"n5\",\"agent\":\"nobody\",\"content\":\"hi\"}",
                        "unknown_agent", "n5"),
                new Case("frame over 64 KiB", oversized, "too_large", null),
                new Case("cancel of an unknown message", "{\"type\":\"cancel\",\"messageId\":\"nope\"}",
                        "unknown_message", null),
                new Case("10 000 unclosed brackets in an unknown field", "{\"type\":\"message\",\"id\":\"f1\","
                        + "\"agent\":\"echo\",\"content\":\"x\",\"x\":" + "[".repeat(10_000) + "}", "bad_frame", null),
                new Case("an id that is not a string", "{\"type\":\"message\",\"id\":false,\"agent\":\"echo\","
                        + "\"content\":\"x\"}", "bad_frame", null),
                new Case("an agent that is not a string", "{\"type\":\"message\",\"id\":\"n6\",\"agent\":42.4,"
                        + "\"content\":\"x\"}", "bad_frame", "n6"),
                new Case("a duplicated key", "{\"type\":\"message\",\"id\":\"n7\",\"id\":\"n8\",\"agent\":\"echo\","
                        + "\"content\":\"x\"}", "bad_frame", null));

        try (ChatClient client = ChatClient.connect(base)) {
            for (Case bad : cases) {
                client.send(bad.frame());
                Frame error = client.next(WAIT);
                assertEquals("error", error.type(), bad.name() + ": " + error.json());
                assertEquals(bad.code(), error.text("code"), bad.name() + ": " + error.json());
                assertEquals(bad.replyTo(), error.text("replyTo"), bad.name());
                assertNotNull(error.text("message"), bad.name() + " explains itself");

                String id = "after " + bad.name();
                client.ask(id, "echo", "still streaming fine");
                Reply reply = client.reply(id, WAIT);
                assertEquals("complete", reply.status(), "after " + bad.name());
                assertEquals("still streaming fine", reply.text(), "after " + bad.name());
            }
        }
    }

    @Test
    void anAgentThatThrowsFailsItsOwnStreamOnly() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("long", "echo", Conversations.words(30));
            client.ask("broken", "failing", "anything");
            Map<String, Reply> replies = client.replies(List.of("long", "broken"), WAIT);

            Reply broken = replies.get("broken");
            assertEquals("failed", broken.status());
            assertEquals(3, broken.chunks().size(), "what the agent produced before failing was delivered");
            assertEquals(3, broken.end().json().getInt("chunks"));
            assertEquals(1, broken.errors().size());
            assertEquals("agent_failed", broken.errors().get(0).text("code"));
            assertEquals("the failing agent failed on purpose", broken.errors().get(0).text("message"));
            assertEquals(broken.start().text("messageId"), broken.errors().get(0).text("messageId"));

            Reply healthy = replies.get("long");
            assertEquals("complete", healthy.status(), "the other stream on the connection is unaffected");
            assertEquals(Conversations.words(30), healthy.text());
        }
    }

    @Test
    void framesOfManyMegabytesAreRefusedAndTheConnectionGoesOn() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            for (int mebibytes : new int[] {2, 6}) {
                client.send("{\"content\":\"" + "y".repeat(mebibytes * 1024 * 1024) + "\"}");
                Frame error = client.next(WAIT);
                assertEquals("too_large", error.text("code"), mebibytes + " MiB: " + error.json());
                client.ask("after " + mebibytes, "echo", "still here");
                assertEquals("complete", client.reply("after " + mebibytes, WAIT).status());
            }
        }
    }

    @Test
    void aFrameJustUnderTheLimitIsAccepted() throws Exception {
        String prefix = "{\"type\":\"message\",\"id\":\"edge\",\"agent\":\"echo\",\"content\":\"";
        String suffix = "\"}";
        String content = "é".repeat((64 * 1024 - prefix.length() - suffix.length()) / 2);
        try (ChatClient client = ChatClient.connect(base)) {
            client.send(prefix + content + suffix);
            assertEquals(content, client.reply("edge", WAIT).text(), "64 KiB of two-byte characters stream back");
        }
    }
}
