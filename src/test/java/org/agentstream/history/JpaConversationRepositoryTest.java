package org.agentstream.history;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.Turn;
import org.agentstream.testing.fixtures.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The repository through both servers' JPA providers, Hibernate (WildFly) and EclipseLink (Payara), on H2 (the
 * single node's database) and on PostgreSQL (the cluster's; {@link LocalPostgres}, a server of the tests' own).
 */
class JpaConversationRepositoryTest {

    @Test
    void titleIsTheFirstMessageWithWhitespaceCollapsedCutTo80Characters() {
        assertEquals("Tell me about it", Conversation.titleOf("  Tell\tme\n\n about\u00a0 it "));
        assertEquals("x".repeat(80), Conversation.titleOf("x".repeat(80)));
        assertEquals("x".repeat(79) + "…", Conversation.titleOf("x".repeat(81)));
        assertEquals("x".repeat(78) + "…", Conversation.titleOf("x".repeat(78) + "\ud83d\ude00yy"),
                "a character outside the BMP is not cut in half");
        assertEquals("", Conversation.titleOf(" \n "));
    }

    @Nested
    class OnHibernate extends Behaviour {
        OnHibernate() {
            super(HistoryDatabase.Provider.HIBERNATE);
        }
    }

    @Nested
    class OnEclipseLink extends Behaviour {
        OnEclipseLink() {
            super(HistoryDatabase.Provider.ECLIPSELINK);
        }
    }

    @Nested
    class OnHibernateWithPostgreSql extends Behaviour {
        OnHibernateWithPostgreSql() {
            super(HistoryDatabase.Provider.HIBERNATE, true);
        }
    }

    @Nested
    class OnEclipseLinkWithPostgreSql extends Behaviour {
        OnEclipseLinkWithPostgreSql() {
            super(HistoryDatabase.Provider.ECLIPSELINK, true);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Behaviour {

        private final HistoryDatabase.Provider provider;
        private final boolean onPostgreSql;
        private HistoryDatabase.Opened opened;
        private HistoryDatabase db;

        Behaviour(HistoryDatabase.Provider provider) {
            this(provider, false);
        }

        Behaviour(HistoryDatabase.Provider provider, boolean onPostgreSql) {
            this.provider = provider;
            this.onPostgreSql = onPostgreSql;
        }

        @BeforeAll
        void open() throws Exception {
            opened = HistoryDatabase.Opened.open(provider, onPostgreSql);
            db = opened.db();
        }

        @AfterAll
        void close() throws Exception {
            if (opened != null) {
                opened.close();
            }
        }

        private <T> T tx(Function<ConversationRepository, T> work) {
            return db.inTransaction(work);
        }

        private static String newOwner() {
            return "anonymous:" + UUID.randomUUID();
        }

        private static String newId() {
            return UUID.randomUUID().toString();
        }

        private Optional<UserTurn> send(String owner, String id, boolean create, String content, long now,
                int maxEarlier) {
            return tx(r -> r.addUserMessage(owner, id, create, "echo", content, "c" + now, now, maxEarlier));
        }

        private UserTurn say(String owner, String id, boolean create, String content, long now) {
            return send(owner, id, create, content, now, 20).orElseThrow();
        }

        private void reply(String id, int position, String content, String status, int chunks, long now) {
            tx(r -> {
                r.addReply(id, position, "echo", chunked(content, chunks, now), status, messageId(id, position),
                        "c" + position, now - 5, now);
                return null;
            });
        }

        /** The server's message ids are unique in the database, as these are. */
        private static String messageId(String conversationId, int position) {
            return conversationId + "/m" + position;
        }

        /** {@code content} in {@code chunks} chunks of about equal length, sent 10 ms apart from {@code now}. */
        private static ReplyText chunked(String content, int chunks, long now) {
            int[] ends = new int[chunks];
            long[] sentAt = new long[chunks];
            for (int i = 0; i < chunks; i++) {
                ends[i] = content.length() * (i + 1) / chunks;
                sentAt[i] = now * 1_000 + i * 10_000L + i % 3;
            }
            return new ReplyText(content, ends, sentAt);
        }

        private Optional<HistoryPage> history(String owner, String id, int max) {
            return tx(r -> r.history(owner, id, max));
        }

        private boolean deletes(String owner, String id) {
            return tx(r -> r.delete(owner, id));
        }

        private List<String> contents(String owner, String id) {
            return history(owner, id, 1000).orElseThrow().messages().stream().map(HistoryEntry::content).toList();
        }

        @Test
        void storedMessagesReadBackWithEveryField() {
            String owner = newOwner();
            String id = newId();

            assertEquals(new UserTurn(id, ConversationHistory.FIRST_REPLY_POSITION, List.of()),
                    say(owner, id, true, "Hello   there\n friend", 1000), "what the history answers without waiting");
            reply(id, 1, "Hello there friend", "complete", 3, 1200);
            String userMessageId = history(owner, id, 200).orElseThrow().messages().get(0).messageId();

            assertEquals(36, userMessageId.length(), "a user message's server id: " + userMessageId);
            assertEquals(Optional.of(new HistoryPage(id, List.of(
                    new HistoryEntry("user", "echo", "Hello   there\n friend", "complete", userMessageId, 1000, 0),
                    new HistoryEntry("assistant", "echo", "Hello there friend", "complete", messageId(id, 1), 1195, 3)),
                    0)),
                    history(owner, id, 200));
            assertEquals(List.of(new ConversationSummary(id, "Hello there friend", 1200, 2)),
                    tx(r -> r.conversations(owner, 50)));
        }

        @Test
        void aStoredReplyIsFoundByItsMessageIdWithItsChunksForItsOwnerOnly() {
            String owner = newOwner();
            String id = newId();
            say(owner, id, true, "question", 1000);
            reply(id, 1, "Hello there friend", "interrupted", 3, 1200);

            StoredReply stored = tx(r -> r.reply(owner, messageId(id, 1))).orElseThrow();
            ReplyText expected = chunked("Hello there friend", 3, 1200);
            assertEquals(List.of(messageId(id, 1), "c1", "interrupted"), List.of(stored.messageId(), stored.replyTo(),
                    stored.status()));
            assertEquals(expected.content(), stored.text().content());
            assertEquals(List.of("Hello ", "there ", "friend"), IntStream.range(0, 3).mapToObj(stored.text()::chunk)
                    .toList());
            assertArrayEquals(expected.sentAtMicros(), stored.text().sentAtMicros());
            assertEquals(Optional.empty(), tx(r -> r.reply(newOwner(), messageId(id, 1))),
                    "another owner's reply is unknown");
            assertEquals(Optional.empty(), tx(r -> r.reply(owner, "m9")));

            assertTrue(deletes(owner, id), "a conversation with stored chunks deletes");
            assertEquals(Optional.empty(), tx(r -> r.reply(owner, messageId(id, 1))),
                    "a deleted conversation's reply is gone");
        }

        @Test
        void anotherOwnersConversationIsIndistinguishableFromAnUnknownOne() {
            String owner = newOwner();
            String other = newOwner();
            String id = newId();
            say(owner, id, true, "mine", 1000);

            assertEquals(List.of(), tx(r -> r.conversations(other, 50)));
            assertEquals(Optional.empty(), history(other, id, 200));
            assertEquals(Optional.empty(), send(other, id, false, "let me in", 1001, 20));
            assertFalse(deletes(other, id));
            assertEquals(Optional.empty(), send(owner, newId(), false, "unknown", 1002, 20));
            assertEquals(Optional.empty(), history(owner, newId(), 200));

            assertEquals(List.of("mine"), contents(owner, id));
            assertEquals(1, tx(r -> r.conversations(owner, 50)).size());
        }

        @Test
        void messagesKeepTheOrderTheServerReceivedThemWhicheverReplyEndsFirst() {
            String owner = newOwner();
            String id = newId();

            assertEquals(1, say(owner, id, true, "one", 1000).replyPosition());
            assertEquals(3, say(owner, id, false, "two", 1001).replyPosition());
            reply(id, 3, "reply two", "complete", 2, 1010);
            reply(id, 1, "reply one", "cancelled", 1, 1020);

            assertEquals(List.of("one", "reply one", "two", "reply two"), contents(owner, id));
        }

        @Test
        void messagesSentIntoOneConversationAtOnceTakeDistinctPositions() throws Exception {
            String owner = newOwner();
            String id = newId();
            say(owner, id, true, "start", 1000);
            int writers = 4;
            int each = 10;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<List<Integer>>> written = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String writer = "w" + w;
                    Callable<List<Integer>> task = () -> {
                        assertTrue(go.await(10, SECONDS));
                        List<Integer> positions = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            positions.add(say(owner, id, false, writer + "-" + i, 2000 + i).replyPosition());
                        }
                        return positions;
                    };
                    written.add(pool.submit(task));
                }
                go.countDown();
                List<Integer> replyPositions = new ArrayList<>();
                for (Future<List<Integer>> positions : written) {
                    replyPositions.addAll(positions.get(60, SECONDS));
                }

                assertEquals(IntStream.rangeClosed(1, writers * each).mapToObj(i -> 2 * i + 1).toList(),
                        replyPositions.stream().sorted().toList());
                List<String> stored = contents(owner, id);
                assertEquals(1 + writers * each, stored.size());
                for (int w = 0; w < writers; w++) {
                    String writer = "w" + w + "-";
                    assertEquals(IntStream.range(0, each).mapToObj(i -> writer + i).toList(),
                            stored.stream().filter(content -> content.startsWith(writer)).toList(),
                            "each writer's messages in the order it sent them");
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void anotherNodeOnTheSameDatabaseSeesEachChangeAtOnce() {
            String owner = newOwner();
            String id = newId();
            try (HistoryDatabase node2 = db.anotherNode()) {
                say(owner, id, true, "one", 1000);
                assertEquals(List.of("one"), contentsOn(node2, owner, id), "node 2 reads what node 1 wrote");
                assertEquals(3, node2.inTransaction(r -> r.addUserMessage(owner, id, false, "echo", "two", "c2",
                        2000, 20)).orElseThrow().replyPosition(), "node 2 continues after node 1's turn");

                assertEquals(5, say(owner, id, false, "three", 3000).replyPosition(),
                        "node 1 continues after node 2's turn, not at a position it knew before");
                assertEquals(List.of("one", "two", "three"), contentsOn(node2, owner, id));
                assertEquals(List.of(3000L), node2.inTransaction(r -> r.conversations(owner, 10)).stream()
                        .map(ConversationSummary::updatedAt).toList(), "node 2 lists it as node 1 changed it last");

                assertEquals(Boolean.TRUE, node2.inTransaction(r -> r.delete(owner, id)));
                assertEquals(Optional.empty(), history(owner, id, 200), "node 1 finds it deleted");
                assertEquals(Optional.empty(), send(owner, id, false, "four", 4000, 20));
            }
        }

        private static List<String> contentsOn(HistoryDatabase node, String owner, String id) {
            return node.inTransaction(r -> r.history(owner, id, 1000)).orElseThrow().messages().stream()
                    .map(HistoryEntry::content).toList();
        }

        @Test
        void earlierTurnsAreTheNewestOldestFirstWithoutEmptyReplies() {
            String owner = newOwner();
            String id = newId();
            reply(id, say(owner, id, true, "u0", 1000).replyPosition(), "a0", "complete", 1, 1001);
            reply(id, say(owner, id, false, "u1", 1002).replyPosition(), "", "cancelled", 0, 1003);
            reply(id, say(owner, id, false, "u2", 1004).replyPosition(), "a2 cut", "failed", 2, 1005);
            say(owner, id, false, "u3", 1006);

            UserTurn window = send(owner, id, false, "u4", 1007, 4).orElseThrow();
            assertEquals(9, window.replyPosition());
            assertEquals(List.of(new Turn("user", "echo", "u1"), new Turn("user", "echo", "u2"),
                    new Turn("assistant", "echo", "a2 cut"), new Turn("user", "echo", "u3")), window.earlier());

            assertEquals(List.of("u0", "a0", "u1", "u2", "a2 cut", "u3", "u4"),
                    send(owner, id, false, "u5", 1008, 100).orElseThrow().earlier().stream()
                            .map(Turn::content).toList());
            assertEquals(List.of(), send(owner, id, false, "u6", 1009, 0).orElseThrow().earlier());
        }

        @Test
        void historyReturnsTheNewestMessagesAndCountsTheOlderOnesLeftOut() {
            String owner = newOwner();
            String id = newId();
            reply(id, say(owner, id, true, "u0", 1000).replyPosition(), "a0", "complete", 1, 1001);
            reply(id, say(owner, id, false, "u1", 1002).replyPosition(), "a1", "complete", 1, 1003);
            say(owner, id, false, "u2", 1004);

            HistoryPage page = history(owner, id, 2).orElseThrow();
            assertEquals(List.of("a1", "u2"), page.messages().stream().map(HistoryEntry::content).toList());
            assertEquals(3, page.olderLeftOut());
            assertEquals(0, history(owner, id, 200).orElseThrow().olderLeftOut());
        }

        @Test
        void conversationsAreTheNewestFirstAtMostMax() {
            String owner = newOwner();
            String first = newId();
            String second = newId();
            String third = newId();
            say(owner, first, true, "first", 1000);
            say(owner, second, true, "second", 2000);
            say(owner, third, true, "third", 3000);
            reply(first, 1, "a reply makes it the newest", "complete", 5, 4000);

            assertEquals(List.of(first, third), tx(r -> r.conversations(owner, 2)).stream()
                    .map(ConversationSummary::conversationId).toList());
        }

        @Test
        void theCountsAreEveryOwnersRowsAndADeletionTakesItsRowsAway() {
            StoredCounts before = tx(ConversationRepository::counts);
            String owner = newOwner();
            String id = newId();
            reply(id, say(owner, id, true, "count me", 1000).replyPosition(), "counted", "complete", 2, 1001);
            String another = newId();
            say(newOwner(), another, true, "and me", 1002);

            assertEquals(new StoredCounts(before.conversations() + 2, before.messages() + 3,
                    before.replyChunks() + 1), tx(ConversationRepository::counts));
            assertTrue(deletes(owner, id));
            assertEquals(new StoredCounts(before.conversations() + 1, before.messages() + 1, before.replyChunks()),
                    tx(ConversationRepository::counts));
        }

        @Test
        void deletingTwiceFindsNothingTheSecondTime() {
            String owner = newOwner();
            String id = newId();
            reply(id, say(owner, id, true, "bye", 1000).replyPosition(), "bye", "complete", 1, 1001);

            assertTrue(deletes(owner, id));
            assertFalse(deletes(owner, id));
            assertEquals(0, db.messagesOf(id));
            assertEquals(Optional.empty(), history(owner, id, 200));
            assertEquals(List.of(), tx(r -> r.conversations(owner, 50)));
            assertEquals(Optional.empty(), send(owner, id, false, "again", 1002, 20));
        }

        @Test
        void aReplyToADeletedConversationIsDropped() {
            String owner = newOwner();
            String id = newId();
            UserTurn turn = say(owner, id, true, "hello", 1000);
            assertTrue(deletes(owner, id));

            reply(id, turn.replyPosition(), "too late", "complete", 2, 1001);

            assertEquals(0, db.messagesOf(id));
            assertEquals(List.of(), tx(r -> r.conversations(owner, 50)));
        }

        @Test
        void theTitleIsTheFirstUserMessageCut() {
            String owner = newOwner();
            String id = newId();
            say(owner, id, true, "  Tell\tme\n\nabout " + "word ".repeat(40), 1000);
            say(owner, id, false, "not the title", 1001);

            String title = tx(r -> r.conversations(owner, 1)).get(0).title();
            assertEquals(80, title.length());
            assertTrue(title.startsWith("Tell me about word word"), title);
            assertTrue(title.endsWith("…"), title);
        }

        @Test
        void longContentIsStoredWhole() {
            String owner = newOwner();
            String id = newId();
            String question = "Ünïcode ✓ \ud83d\ude00 ".repeat(20_000);
            String answer = "answer ".repeat(40_000);
            reply(id, say(owner, id, true, question, 1000).replyPosition(), answer, "complete", 40_000, 1001);

            assertEquals(List.of(question, answer), contents(owner, id));
            assertEquals(List.of(question, answer), send(owner, id, false, "and?", 1002, 20).orElseThrow()
                    .earlier().stream().map(Turn::content).toList());
        }

        private UnfinishedReply unfinished(String id, int position, String owner, String node, long startedAt,
                ReplyText text) {
            return new UnfinishedReply(messageId(id, position), owner, id, position, "echo", "c" + position,
                    startedAt, node, text);
        }

        private void writeProgress(UnfinishedReply reply, long now) {
            tx(r -> {
                r.writeProgress(List.of(reply), now);
                return null;
            });
        }

        @Test
        void aReplyLeftMidToolCallIsStoredAsInterruptedWithItsToolFrames() {
            String owner = newOwner();
            String id = newId();
            int position = say(owner, id, true, "what time is it?", 1000).replyPosition();
            String node = "node-" + newId();
            writeProgress(unfinished(id, position, owner, node, 1001, toolReply(2, 1001)), 1500);
            writeProgress(unfinished(id, position, owner, node, 1001, toolReply(4, 1001)), 2000);
            List<ReplyEvent> sent = List.of(new ReplyEvent.Reasoning("thinking"),
                    new ReplyEvent.ToolCall("c1", "clock", "{\"zone\":"),
                    new ReplyEvent.ToolCall("c1", "clock", "\"UTC\"}"),
                    new ReplyEvent.ToolResult("c1", true, "12:00", 4));

            UnfinishedReply left = tx(r -> r.progressLeftBy(node, 1002)).get(0);
            assertEquals(sent, IntStream.range(0, 4).mapToObj(left.text()::event).toList(),
                    "the frames written with its progress, the last write's");
            tx(r -> r.addReply(id, position, "echo", left.text(), "interrupted", left.messageId(), left.clientId(),
                    left.createdAt(), 2500));
            assertTrue(tx(r -> r.progressLeftBy(node, 1002)).isEmpty(), "stored, its progress is gone");

            ReplyText stored = tx(r -> r.reply(owner, left.messageId())).orElseThrow().text();
            assertEquals(sent, IntStream.range(0, 4).mapToObj(stored::event).toList(), "a resume resends them");
            assertEquals(List.of("reasoning", "tool_call", "tool_result"), history(owner, id, 10).orElseThrow()
                    .messages().get(1).parts().stream().map(HistoryPart::type).toList());
        }

        @Test
        void historyGivesEachOfSeveralToolRepliesItsOwnParts() {
            String owner = newOwner();
            String id = newId();
            List<String> questions = List.of("first?", "plain?", "third?");
            for (int i = 0; i < questions.size(); i++) {
                int position = say(owner, id, i == 0, questions.get(i), 1000 + 10 * i).replyPosition();
                ReplyText text = i == 1 ? chunked("plain text", 2, 1001 + 10 * i) : toolReply(6, 1001 + 10 * i);
                tx(r -> r.addReply(id, position, "echo", text, "complete", messageId(id, position),
                        "c" + position, 1001, 2000));
            }

            List<HistoryEntry> messages = history(owner, id, 10).orElseThrow().messages();
            assertEquals(6, messages.size());
            for (int reply : List.of(1, 5)) {
                assertEquals(List.of("reasoning", "tool_call", "tool_result", "text"), messages.get(reply).parts()
                        .stream().map(HistoryPart::type).toList(), "reply " + reply + " has its own parts");
                assertEquals("It is noon.", messages.get(reply).parts().get(3).text());
            }
            assertNull(messages.get(3).parts(), "a reply of text alone has no parts");
        }

        /** A reply that thought, called a tool (arguments in two pieces), had its result, and answered. */
        private static ReplyText toolReply(int frames, long now) {
            Map<Integer, ReplyEvent> events = Map.of(0, new ReplyEvent.Reasoning("thinking"),
                    1, new ReplyEvent.ToolCall("c1", "clock", "{\"zone\":"),
                    2, new ReplyEvent.ToolCall("c1", "clock", "\"UTC\"}"),
                    3, new ReplyEvent.ToolResult("c1", true, "12:00", 4));
            int[] ends = {0, 0, 0, 0, 6, 11};
            long[] sentAt = {now * 1_000, now * 1_000 + 10_000, now * 1_000 + 20_000, now * 1_000 + 30_000,
                    now * 1_000 + 40_000, now * 1_000 + 50_000};
            String content = "It is noon.".substring(0, ends[frames - 1]);
            Map<Integer, ReplyEvent> sent = new java.util.TreeMap<>(events);
            sent.keySet().removeIf(seq -> seq >= frames);
            return new ReplyText(content, java.util.Arrays.copyOf(ends, frames),
                    java.util.Arrays.copyOf(sentAt, frames), sent,
                    frames == ends.length ? new ReplyEvent.Usage("m-1", 12, 34, "stop") : null);
        }

        @Test
        void aStoredReplyThatCalledAToolKeepsItsEventsForResumeAndHistory() {
            String owner = newOwner();
            String id = newId();
            int position = say(owner, id, true, "what time is it?", 1000).replyPosition();
            String node = "node-" + newId();
            writeProgress(unfinished(id, position, owner, node, 1001, toolReply(2, 1001)), 1500);
            writeProgress(unfinished(id, position, owner, node, 1001, toolReply(3, 1001)), 2000);

            ReplyText recovered = tx(r -> r.progressLeftBy(node, 1002)).get(0).text();
            assertEquals(3, recovered.chunks(), "a node that died mid-call left its frames so far (as empty text)");

            tx(r -> r.addReply(id, position, "echo", toolReply(6, 1001), "complete", messageId(id, position), "c9",
                    1001, 2500));
            ReplyText stored = tx(r -> r.reply(owner, messageId(id, position))).orElseThrow().text();
            assertEquals(List.of(new ReplyEvent.Reasoning("thinking"), new ReplyEvent.ToolCall("c1", "clock",
                    "{\"zone\":"), new ReplyEvent.ToolCall("c1", "clock", "\"UTC\"}"),
                    new ReplyEvent.ToolResult("c1", true, "12:00", 4), new ReplyEvent.Text("It is "),
                    new ReplyEvent.Text("noon.")), IntStream.range(0, 6).mapToObj(stored::event).toList(),
                    "a resume of the stored reply is sent every frame as it streamed");
            assertEquals(new ReplyEvent.Usage("m-1", 12, 34, "stop"), stored.usage());

            HistoryEntry entry = history(owner, id, 10).orElseThrow().messages().get(1);
            assertEquals("It is noon.", entry.content(), "the text alone, as the agent sees it next turn");
            assertEquals(List.of(
                    new HistoryPart("reasoning", "thinking", null, null, null, null, null, null),
                    new HistoryPart("tool_call", null, "c1", "clock", "{\"zone\":\"UTC\"}", null, null, null),
                    new HistoryPart("tool_result", null, "c1", null, null, "ok", "12:00", 4L),
                    new HistoryPart("text", "It is noon.", null, null, null, null, null, null)), entry.parts());
            assertEquals(12, entry.usage().inputTokens());
            assertEquals(List.of("what time is it?", "It is noon."), tx(r -> r.addUserMessage(owner, id, false,
                    "echo", "thanks", "c10", 3000, 20)).orElseThrow().earlier().stream().map(Turn::content).toList(),
                    "the agent sees the text of earlier turns only");
            assertTrue(deletes(owner, id));
        }

        @Test
        void progressIsInsertedThenRewrittenAndReadBackByItsNode() {
            String owner = newOwner();
            String id = newId();
            int position = say(owner, id, true, "question", 1000).replyPosition();
            String node = "node-" + newId();
            writeProgress(unfinished(id, position, owner, node, 1001, chunked("Hello", 2, 1001)), 1500);
            ReplyText longer = chunked("Hello there friend", 3, 1001);
            writeProgress(unfinished(id, position, owner, node, 1001, longer), 2000);

            List<UnfinishedReply> left = tx(r -> r.progressLeftBy(node, 1002));
            assertEquals(1, left.size(), "one row, rewritten");
            assertEquals(unfinished(id, position, owner, node, 1001, left.get(0).text()), left.get(0));
            assertEquals(List.of(), tx(r -> r.progressLeftBy(node, 1001)), "a reply started later is not left");
            assertEquals(List.of(), tx(r -> r.progressLeftBy("another " + node, 1002)), "another node's");
            ReplyText read = left.get(0).text();
            assertEquals(longer.content(), read.content(), "the last write");
            assertArrayEquals(longer.chunkEnds(), read.chunkEnds());
            assertArrayEquals(longer.sentAtMicros(), read.sentAtMicros());
        }

        @Test
        void storingTheReplyDeletesItsProgressAndAStoredReplyIsNotStoredAgain() {
            String owner = newOwner();
            String id = newId();
            int position = say(owner, id, true, "question", 1000).replyPosition();
            String node = "node-" + newId();
            writeProgress(unfinished(id, position, owner, node, 1001, chunked("Hello", 1, 1001)), 1500);

            assertEquals(ConversationRepository.ReplyStored.STORED, tx(r -> r.addReply(id, position, "echo",
                    chunked("Hello there", 2, 1001), "complete", messageId(id, position), "c", 1001, 2000)));
            assertEquals(List.of(), tx(r -> r.progressLeftBy(node, 5000)));
            writeProgress(unfinished(id, position, owner, node, 1001, chunked("Hello", 1, 1001)), 2100);
            assertEquals(ConversationRepository.ReplyStored.ALREADY_STORED, tx(r -> r.addReply(id, position, "echo",
                    chunked("Hello", 1, 1001), "interrupted", messageId(id, position), "c", 1001, 2200)),
                    "refused calmly, with no exception");

            assertEquals(List.of(), tx(r -> r.progressLeftBy(node, 5000)), "deleted all the same");
            assertEquals(List.of("question", "Hello there"), contents(owner, id));
            assertEquals("complete", tx(r -> r.reply(owner, messageId(id, position))).orElseThrow().status());
        }

        @Test
        void progressOfAReplyToADeletedConversationIsDeletedWithItsReply() {
            String owner = newOwner();
            String id = newId();
            int position = say(owner, id, true, "question", 1000).replyPosition();
            String node = "node-" + newId();
            writeProgress(unfinished(id, position, owner, node, 1001, chunked("Hello", 1, 1001)), 1500);
            assertTrue(deletes(owner, id), "a conversation is deleted while its reply streams");

            assertEquals(ConversationRepository.ReplyStored.NO_CONVERSATION, tx(r -> r.addReply(id, position, "echo",
                    chunked("Hello", 1, 1001), "complete", messageId(id, position), "c", 1001, 2000)));
            assertEquals(List.of(), tx(r -> r.progressLeftBy(node, 5000)));
        }
    }
}
