package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/** Several replies on one connection interleave; many connections stream at once; limits answer busy. */
class ConcurrencyIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void twoRepliesOnOneConnectionStreamInterleaved() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            client.ask("first", "held", Conversations.words(30));
            client.ask("second", "echo", Conversations.words(30).toUpperCase(Locale.ROOT));
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> read.ended("second") && !read.chunks("first").isEmpty(), WAIT);
            assertEquals(1, TestSupport.releaseHeldReplies(base), "the first reply was held halfway");
            client.readUntil(replies, read -> read.ended("first"), WAIT);

            Reply first = replies.reply("first");
            Reply second = replies.reply("second");
            assertEquals("complete", first.status());
            assertEquals("complete", second.status());
            assertEquals(Conversations.words(30), first.text());
            assertEquals(Conversations.words(30).toUpperCase(Locale.ROOT), second.text());
            assertTrue(!first.start().text("messageId").equals(second.start().text("messageId")));
            assertTrue(second.chunks().get(0).receivedNanos() < first.chunks().get(29).receivedNanos(),
                    "the second reply did not wait for the first to end");
            assertTrue(GapAnalysis.of(first).isRealTime(), GapAnalysis.of(first).summary());
            assertTrue(GapAnalysis.of(second).isRealTime(), GapAnalysis.of(second).summary());
        }
    }

    @Test
    void tenConnectionsStreamAtOnce() throws Exception {
        List<ChatClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                clients.add(ChatClient.connect(base));
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).ask("c" + i, "echo", "client " + i + " " + Conversations.words(40));
            }
            for (int i = 0; i < clients.size(); i++) {
                Reply reply = clients.get(i).reply("c" + i, WAIT);
                assertEquals("complete", reply.status(), "client " + i);
                assertEquals("client " + i + " " + Conversations.words(40), reply.text());
                GapAnalysis gaps = GapAnalysis.of(reply);
                System.out.printf(Locale.ROOT, "[10 connections] client %d: %s%n", i, gaps.summary());
                assertTrue(gaps.isRealTime(), "client " + i + ": " + gaps.summary());
            }
        } finally {
            for (ChatClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void requestsOverTheConnectionLimitGetBusyAtOnce() throws Exception {
        try (ChatClient client = ChatClient.connect(base)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add("r" + i);
                client.ask("r" + i, "held", "r" + i + " " + Conversations.words(50));
            }
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> ids.stream()
                    .allMatch(id -> !read.errors(id).isEmpty() || !read.chunks(id).isEmpty()), WAIT);
            List<String> admitted = ids.stream().filter(replies::started).toList();
            int busy = 0;
            for (String id : ids) {
                for (ChatClient.Frame error : replies.errors(id)) {
                    assertEquals("busy", error.text("code"), error.json().toString());
                    assertTrue(error.json().getJsonNumber("retryAfterMs").longValue() > 0);
                    assertTrue(!replies.started(id), "one answer per request");
                    busy++;
                }
            }
            assertEquals(admitted.size(), TestSupport.releaseHeldReplies(base), "every admitted reply was held");
            client.readUntil(replies, read -> admitted.stream().allMatch(read::ended), WAIT);
            int complete = 0;
            for (String id : admitted) {
                assertEquals("complete", replies.reply(id).status());
                complete++;
            }
            assertEquals(16, complete, "the connection limit (16) streams");
            assertEquals(4, busy, "the rest are told busy");
        }
    }
}
