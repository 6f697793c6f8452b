package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.agentstream.agent.Turn;
import org.agentstream.history.Branch.Refusal;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Regenerate and edit in the repository, through both servers' JPA providers on H2 and PostgreSQL: what leaves the
 * current branch stays stored with its parent link, the agent's earlier turns and the history show the current branch
 * only, and every refusal changes nothing.
 */
class ConversationBranchesTest {

    @Nested
    class OnHibernate extends Behaviour {
        OnHibernate() {
            super(HistoryDatabase.Provider.HIBERNATE, false);
        }
    }

    @Nested
    class OnEclipseLink extends Behaviour {
        OnEclipseLink() {
            super(HistoryDatabase.Provider.ECLIPSELINK, false);
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

        /** One conversation of a new owner, its user messages' ids and its replies' message ids by position. */
        private final class Chat {
            final String owner;
            final String id = UUID.randomUUID().toString();
            long now = 1000;
            boolean started;

            Chat() {
                this("anonymous:" + UUID.randomUUID());
            }

            Chat(String owner) {
                this.owner = owner;
            }

            /** Sends {@code content}; returns the position reserved for its reply. */
            int say(String content) {
                boolean create = !started;
                started = true;
                return tx(r -> r.addUserMessage(owner, id, create, "echo", content, "c" + now, userId(content),
                        now++, 20)).orElseThrow().replyPosition();
            }

            void reply(int position, String content) {
                tx(r -> r.addReply(id, position, "echo", ReplyText.whole(content, now * 1000), "complete",
                        replyId(position), "c" + position, now, now++));
            }

            /** Sends {@code question} and stores {@code answer} as its reply. */
            void turn(String question, String answer) {
                reply(say(question), answer);
            }

            String replyId(int position) {
                return id + "/m" + position;
            }

            /** A user message's id, a UUID as the server's are, made from its conversation and content. */
            String userId(String content) {
                return UUID.nameUUIDFromBytes((id + content).getBytes(StandardCharsets.UTF_8)).toString();
            }

            Branch regenerate(int replyPosition) {
                return regenerate(owner, replyId(replyPosition));
            }

            Branch regenerate(String asked, String messageId) {
                return tx(r -> r.regenerate(asked, id, messageId, agent -> true, now++, 20));
            }

            Branch edit(String replaces, String content) {
                return tx(r -> r.edit(owner, id, replaces, "echo", content, "e" + now, userId(content), now++, 20));
            }

            List<String> contents() {
                return tx(r -> r.history(owner, id, 1000)).orElseThrow().messages().stream()
                        .map(HistoryEntry::content).toList();
            }

            int counted() {
                return tx(r -> r.conversations(owner, 10)).get(0).messages();
            }
        }

        private static List<String> contents(List<Turn> turns) {
            return turns.stream().map(Turn::content).toList();
        }

        @Test
        void aRegeneratedReplyLeavesTheCurrentBranchAndStaysStored() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            chat.turn("u1", "a1");

            Branch made = chat.regenerate(3);

            assertFalse(made.isRefused(), String.valueOf(made.refused()));
            assertEquals(new UserTurn(chat.id, 4, made.turn().earlier()), made.turn(), "a place after every other");
            assertEquals(List.of("u0", "a0"), contents(made.turn().earlier()), "the turns before its question");
            assertEquals(List.of(chat.userId("u1"), "u1", "echo"), List.of(made.userMessageId(), made.question(),
                    made.agent()));
            assertEquals(List.of("u0", "a0", "u1"), chat.contents(), "the old reply is out of the history");
            chat.reply(4, "a1 again");
            assertEquals(List.of("u0", "a0", "u1", "a1 again"), chat.contents());
            assertEquals(4, chat.counted());
            assertEquals(5, db.messagesOf(chat.id), "the old reply is stored still");
            assertEquals(List.of("3<2 superseded", "4<2"), db.linksOf(chat.id), "both follow their question");
            assertTrue(tx(r -> r.reply(chat.owner, chat.replyId(3))).isPresent(), "and can still be resumed");
            assertEquals(List.of("u0", "a0", "u1", "a1 again"), contents(tx(r -> r.addUserMessage(chat.owner, chat.id,
                    false, "echo", "u2", "c", 9000, 20)).orElseThrow().earlier()), "the agent sees the new reply only");
        }

        @Test
        void theNewReplyCanBeRegeneratedAgainButNotTheOldOne() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            assertFalse(chat.regenerate(1).isRefused());
            chat.reply(2, "a0 second");

            assertEquals(Refusal.NOT_LAST_REPLY, chat.regenerate(1).refused(), "it left the branch already");
            Branch third = chat.regenerate(2);
            assertEquals(3, third.turn().replyPosition());
            chat.reply(3, "a0 third");
            assertEquals(List.of("u0", "a0 third"), chat.contents());
            assertEquals(List.of("1<0 superseded", "2<0 superseded", "3<0"), db.linksOf(chat.id));
        }

        @Test
        void aRegenerateIsRefusedWithNothingChanged() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            chat.turn("u1", "a1");
            List<String> links = db.linksOf(chat.id);

            assertEquals(Refusal.NOT_LAST_REPLY, chat.regenerate(1).refused(), "a later message came");
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.regenerate(chat.owner, "no-such-reply").refused());
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.regenerate(chat.owner, chat.userId("u1")).refused(),
                    "a user message is no reply");
            String mallory = "anonymous:" + UUID.randomUUID();
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.regenerate(mallory, chat.replyId(3)).refused(),
                    "another owner's reply is unknown");
            assertEquals(Optional.empty(), tx(r -> r.conversationOfReply(mallory, chat.replyId(3))));
            assertEquals(Optional.of(chat.id), tx(r -> r.conversationOfReply(chat.owner, chat.replyId(3))));
            assertEquals(Refusal.UNKNOWN_AGENT, tx(r -> r.regenerate(chat.owner, chat.id, chat.replyId(3),
                    agent -> false, 5000, 20)).refused());

            chat.say("u2");
            assertEquals(Refusal.REPLY_STREAMING, chat.regenerate(3).refused(), "u2's reply still streams");
            assertEquals(links, db.linksOf(chat.id));
            assertEquals(List.of("u0", "a0", "u1", "a1", "u2"), chat.contents());
        }

        @Test
        void anEditTakesTheMessageAndEveryLaterOneOutOfTheBranch() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            chat.turn("u1", "a1");
            chat.turn("u2", "a2");

            Branch made = chat.edit(chat.userId("u1"), "u1 better");

            assertFalse(made.isRefused(), String.valueOf(made.refused()));
            assertEquals(new UserTurn(chat.id, 7, made.turn().earlier()), made.turn());
            assertEquals(List.of("u0", "a0"), contents(made.turn().earlier()), "the agent sees what came before");
            assertEquals(List.of(chat.userId("u1 better"), "u1 better"), List.of(made.userMessageId(),
                    made.question()));
            chat.reply(7, "a1 better");
            assertEquals(List.of("u0", "a0", "u1 better", "a1 better"), chat.contents());
            assertEquals(List.of(chat.userId("u0"), chat.replyId(1), chat.userId("u1 better"), chat.replyId(7)),
                    tx(r -> r.history(chat.owner, chat.id, 10)).orElseThrow().messages().stream()
                            .map(HistoryEntry::messageId).toList(), "a user message's id is its messageId");
            assertEquals(4, chat.counted());
            assertEquals(8, db.messagesOf(chat.id), "the older branch is stored still");
            assertEquals(List.of("2<1 superseded", "3<2 superseded", "4<3 superseded", "5<4 superseded", "6<1"),
                    db.linksOf(chat.id), "the old and the new message follow the same one");
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.edit(chat.userId("u2"), "again").refused(),
                    "a message of an older branch is not edited");
        }

        @Test
        void theFirstMessageCanBeEdited() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");

            Branch made = chat.edit(chat.userId("u0"), "u0 better");

            assertEquals(List.of(), made.turn().earlier());
            assertEquals(List.of("u0 better"), chat.contents());
            assertEquals(List.of("0<- superseded", "1<0 superseded", "2<-"), db.linksOf(chat.id));
        }

        @Test
        void anEditIsRefusedWithNothingChanged() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            Chat elsewhere = new Chat(chat.owner);
            elsewhere.turn("e0", "ea0");

            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.edit(chat.replyId(1), "x").refused(), "a reply is no user's");
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.edit(elsewhere.userId("e0"), "x").refused(),
                    "a message of another conversation");
            assertEquals(Refusal.UNKNOWN_MESSAGE, chat.edit("no-such-message", "x").refused());
            assertEquals(Refusal.UNKNOWN_CONVERSATION, tx(r -> r.edit("anonymous:" + UUID.randomUUID(), chat.id,
                    chat.userId("u0"), "echo", "mine now", "m", "m", 5000, 20)).refused(),
                    "another owner's conversation is unknown");
            chat.say("u1");
            assertEquals(Refusal.REPLY_STREAMING, chat.edit(chat.userId("u0"), "x").refused());
            assertEquals(List.of(), db.linksOf(chat.id));
            assertEquals(List.of("u0", "a0", "u1"), chat.contents());
        }

        @Test
        void aReplyToAMessageEditedWhileItStreamedIsStoredInTheOlderBranch() {
            Chat chat = new Chat();
            int first = chat.say("u0");
            chat.turn("u1", "a1"); // answered first: the last reply is stored, u0's still streams
            chat.edit(chat.userId("u0"), "u0 better");

            chat.reply(first, "a0 late");

            assertEquals(List.of("u0 better"), chat.contents());
            assertEquals(1, chat.counted());
            assertEquals(List.of("u0 better"), contents(tx(r -> r.addUserMessage(chat.owner, chat.id, false, "echo",
                    "next", "c", 9000, 20)).orElseThrow().earlier()), "the agent sees the new branch only");
        }

        @Test
        void deletingABranchedConversationDeletesItsLinks() {
            Chat chat = new Chat();
            chat.turn("u0", "a0");
            chat.regenerate(1);
            chat.edit(chat.userId("u0"), "u0 better");

            assertEquals(Boolean.TRUE, tx(r -> r.delete(chat.owner, chat.id)));
            assertEquals(0, db.messagesOf(chat.id));
            assertEquals(List.of(), db.linksOf(chat.id));
        }
    }

    /** A database made by a version without branches: the links table is created beside it at the next start. */
    @Test
    void aDatabaseFromBeforeBranchesGetsItsLinksTableAndItsConversationsBranch() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        h2.setPassword("sa");
        String owner = "anonymous:old";
        String id = UUID.randomUUID().toString();
        try (HistoryDatabase before = new HistoryDatabase(HistoryDatabase.Provider.HIBERNATE, h2)) {
            before.inTransaction(r -> r.addUserMessage(owner, id, true, "echo", "old question", "c0", 1000, 20));
            before.inTransaction(r -> r.addReply(id, 1, "echo", ReplyText.whole("old answer", 1_001_000),
                    "complete", "old-reply", "c0", 1001, 1001));
        }
        try (Connection connection = h2.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("DROP TABLE agentstream_message_links");
        }
        try (HistoryDatabase after = new HistoryDatabase(HistoryDatabase.Provider.HIBERNATE, h2)) {
            Branch made = after.inTransaction(r -> r.regenerate(owner, id, "old-reply", agent -> true, 2000, 20));
            assertFalse(made.isRefused(), String.valueOf(made.refused()));
            assertEquals("old question", made.question());
            assertEquals(List.of("1<0 superseded", "2<0"), after.linksOf(id));
        }
        try (HistoryDatabase payara = new HistoryDatabase(HistoryDatabase.Provider.ECLIPSELINK, h2)) {
            assertEquals(List.of("old question"), payara.inTransaction(r -> r.history(owner, id, 10)).orElseThrow()
                    .messages().stream().map(HistoryEntry::content).toList(), "the other provider reads it");
        }
    }
}
