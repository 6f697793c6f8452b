package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node killed mid-reply, without a container: the history of one run writes a streaming reply's progress and is
 * dropped without storing it (a SIGKILL), and the history of the next run, on the same in-memory H2, stores it as
 * interrupted with what was written, once.
 */
class ReplyRecoveryTest {

    private static final String OWNER = "anonymous:recovery";

    private final HistoryDatabase database = new HistoryDatabase(HistoryDatabase.Provider.HIBERNATE);
    private final ConversationRepository repository = database.repository(() -> { });

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    /** A run of the application: its history, with its tasks on the calling thread. */
    private ConversationHistory run() {
        return new ConversationHistory(repository, new HistorySettings(), Runnable::run);
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    /** A question in a new conversation, and its reply streaming in {@code history}, as ChatTurns starts it. */
    private UserTurn streaming(ConversationHistory history, String messageId, AtomicReference<ReplyText> sent)
            throws Exception {
        UserTurn question = done(history.addUserMessage(OWNER, null, "echo", "question", "q-" + messageId))
                .orElseThrow();
        history.replyStarted(OWNER, question, "echo", messageId, "c-" + messageId, 1_000, sent::get);
        return question;
    }

    /** A reply that streamed in {@code history} and had {@code words} words written, the last write before now. */
    private UserTurn written(ConversationHistory history, String messageId, int words) throws Exception {
        UserTurn question = streaming(history, messageId, new AtomicReference<>(SentWords.of(words)));
        assertEquals(1, done(history.writeProgress()));
        return question;
    }

    private List<HistoryEntry> messages(ConversationHistory history, UserTurn question) throws Exception {
        return done(history.history(OWNER, question.conversationId())).orElseThrow().messages();
    }

    @Test
    void aReplyLeftStreamingByThisNodeIsStoredInterruptedWithWhatWasWrittenAtTheNextStart() throws Exception {
        ConversationHistory killed = run();
        AtomicReference<ReplyText> sent = new AtomicReference<>(SentWords.of(3));
        UserTurn question = streaming(killed, "m-killed", sent);
        assertEquals(1, done(killed.writeProgress()));
        sent.set(SentWords.of(5)); // sent after the last write: lost with the node

        ConversationHistory next = run();
        assertEquals(1, done(next.recoverLeftBy(killed.nodeName(), System.currentTimeMillis())));

        List<HistoryEntry> messages = messages(next, question);
        assertEquals(2, messages.size());
        assertEquals(new HistoryEntry("assistant", "echo", "w0 w1 w2 ", "interrupted", "m-killed", 1_000, 3),
                messages.get(1));
        StoredReply stored = done(next.storedReply(OWNER, "m-killed")).orElseThrow();
        assertArrayEquals(SentWords.of(3).chunkEnds(), stored.text().chunkEnds());
        assertArrayEquals(SentWords.of(3).sentAtMicros(), stored.text().sentAtMicros(), "each chunk as it was sent");
        assertEquals("c-m-killed", stored.replyTo());

        assertEquals(0, done(run().recoverLeftBy(killed.nodeName(), System.currentTimeMillis())),
                "its progress was deleted with the store: the start after next finds nothing");
        assertEquals(2, messages(next, question).size());
    }

    @Test
    void anotherNodesRepliesAndRepliesStartedByThisRunAreLeftAlone() throws Exception {
        ConversationHistory node = run();
        UserTurn question = written(node, "m-live", 2);

        assertEquals(0, done(run().recoverLeftBy("another node", System.currentTimeMillis())));
        assertEquals(0, done(run().recoverLeftBy(node.nodeName(), 1_000)), "started at 1 000: not before it");
        assertEquals(1, messages(node, question).size(), "the question alone: the reply still streams");
        assertEquals(1, repository.progressLeftBy(node.nodeName(), Long.MAX_VALUE).size());
    }

    @Test
    void aReplyStoredWhenItEndsIsNotRecovered() throws Exception {
        ConversationHistory node = run();
        UserTurn question = written(node, "m-ended", 2);
        node.addReply(OWNER, question, "echo", SentWords.of(4), "complete", "m-ended", "c-m-ended", 1_000);

        assertEquals(0, done(run().recoverLeftBy(node.nodeName(), System.currentTimeMillis())));
        assertEquals("complete", messages(node, question).get(1).status());
        assertEquals("w0 w1 w2 w3 ", messages(node, question).get(1).content());
    }

    @Test
    void aReplyStoredByANodeThatNeverStreamedItDeletesItsProgressAndIsStoredOnce() throws Exception {
        ConversationHistory dead = run();
        UserTurn question = written(dead, "m-moved", 2);

        ConversationHistory survivor = run();
        survivor.addReply(OWNER, question, "echo", SentWords.of(3), "interrupted", "m-moved", "c-m-moved", 1_000);
        survivor.addReply(OWNER, question, "echo", SentWords.of(3), "interrupted", "m-moved", "c-m-moved", 1_000);
        assertTrue(survivor.awaitPending(Duration.ofSeconds(10)));

        assertEquals(List.of(), repository.progressLeftBy(dead.nodeName(), Long.MAX_VALUE));
        List<HistoryEntry> messages = messages(survivor, question);
        assertEquals(2, messages.size(), "stored once");
        assertEquals("w0 w1 w2 ", messages.get(1).content());
    }

    @Test
    void aReadAskedWhileTheRepliesLeftAreReadFindsThemStored() throws Exception {
        ConversationHistory killed = run();
        UserTurn question = written(killed, "m-early", 2);
        Queue<Runnable> tasks = new ArrayDeque<>();
        ConversationHistory next = new ConversationHistory(repository, new HistorySettings(), tasks::add);

        CompletableFuture<Integer> recovered = next.recoverLeftBy(killed.nodeName(), System.currentTimeMillis());
        CompletableFuture<Optional<HistoryPage>> read = next.history(OWNER, question.conversationId());
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }

        assertEquals(1, done(recovered));
        List<HistoryEntry> messages = done(read).orElseThrow().messages();
        assertEquals(2, messages.size(), "the reply the crash left is there for the first read: " + messages);
        assertEquals("interrupted", messages.get(1).status());
    }
}
