package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit of streaming replies' progress, on an in-memory H2 through Hibernate: one transaction for every
 * reply with new chunks, nothing for the others, reply by reply when the batch fails, and no row left behind by a
 * reply stored while its progress was being written.
 */
class InFlightRepliesTest {

    private static final String NODE = "node-a";

    private final HistoryDatabase database = new HistoryDatabase(HistoryDatabase.Provider.HIBERNATE);
    /** How many progress writes (transactions) the repository was asked for, and of how many replies each. */
    private final List<Integer> batches = new ArrayList<>();
    /** A batch of more replies than this fails, as a database that refuses one of its rows fails it. */
    private final AtomicInteger largestBatch = new AtomicInteger(Integer.MAX_VALUE);
    private final ConversationRepository repository = counting(database.repository(() -> { }));
    private final InFlightReplies inFlight = new InFlightReplies(repository, System::currentTimeMillis);
    private final Map<String, AtomicReference<ReplyText>> sent = new ConcurrentHashMap<>();
    /** What happens when the writer reads what a reply sent, after it read it. */
    private final Map<String, Runnable> whenRead = new ConcurrentHashMap<>();

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    /** The repository, with its progress writes counted and those larger than {@link #largestBatch} failing. */
    private ConversationRepository counting(ConversationRepository inner) {
        return (ConversationRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConversationRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("writeProgress")) {
                        int size = ((List<?>) args[0]).size();
                        batches.add(size);
                        if (size > largestBatch.get()) {
                            throw new IllegalStateException("the batch of " + size + " fails");
                        }
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A reply to a new question of a new conversation, streaming on {@link #NODE}, with nothing sent yet. */
    private String streaming() {
        String owner = "anonymous:" + UUID.randomUUID();
        String conversationId = UUID.randomUUID().toString();
        int position = repository.addUserMessage(owner, conversationId, true, "echo", "question", "q", 1000, 20)
                .orElseThrow().replyPosition();
        String messageId = UUID.randomUUID().toString();
        sent.put(messageId, new AtomicReference<>(ReplyText.whole("", 0)));
        Supplier<ReplyText> sentSoFar = () -> {
            ReplyText text = sent.get(messageId).get();
            whenRead.getOrDefault(messageId, () -> { }).run();
            return text;
        };
        inFlight.started(new UnfinishedReply(messageId, owner, conversationId, position, "echo", "c-" + messageId,
                1000, NODE, ReplyText.whole("", 0)), sentSoFar);
        return messageId;
    }

    /** The reply has sent {@code words} chunks. */
    private void send(String messageId, int words) {
        sent.get(messageId).set(SentWords.of(words));
    }

    private Map<String, String> writtenText() {
        Map<String, String> written = new ConcurrentHashMap<>();
        repository.progressLeftBy(NODE, Long.MAX_VALUE)
                .forEach(reply -> written.put(reply.messageId(), reply.text().content()));
        return written;
    }

    @Test
    void everyReplyWithNewChunksIsWrittenInOneTransactionAndTheOthersNotAtAll() {
        String first = streaming();
        String second = streaming();
        String silent = streaming(); // sends nothing
        send(first, 3);
        send(second, 5);

        assertEquals(3, inFlight.writeProgress());
        assertEquals(List.of(3), batches, "one transaction for all three, the one that sent nothing too: it is new");
        assertEquals(Map.of(first, "w0 w1 w2 ", second, "w0 w1 w2 w3 w4 ", silent, ""), writtenText());

        assertEquals(0, inFlight.writeProgress(), "nothing new");
        send(second, 7);
        assertEquals(1, inFlight.writeProgress());
        assertEquals(List.of(3, 1), batches, "only the reply with new chunks");
        assertEquals(Map.of(first, "w0 w1 w2 ", second, "w0 w1 w2 w3 w4 w5 w6 ", silent, ""), writtenText());
    }

    @Test
    void aReplyKilledBeforeItSentAnythingIsRecoveredAndItsConversationCanBeRegeneratedAgain() {
        String thinking = streaming();
        assertEquals(1, inFlight.writeProgress(), "written once with nothing sent");
        assertEquals(0, inFlight.writeProgress(), "and not again until it sends");

        UnfinishedReply left = repository.progressLeftBy(NODE, Long.MAX_VALUE).stream()
                .filter(row -> row.messageId().equals(thinking)).findFirst().orElseThrow();
        assertEquals(Branch.Refusal.REPLY_STREAMING, repository.regenerate(left.owner(), left.conversationId(),
                thinking, agent -> true, 2000, 20).refused(), "while it is left as streaming");
        // the node that recovers it stores it as ConversationHistory.recoverLeftBy does
        assertEquals(ConversationRepository.ReplyStored.STORED, repository.addReply(left.conversationId(),
                left.position(), "echo", left.text(), "interrupted", thinking, left.clientId(), left.createdAt(),
                3000));

        Branch again = repository.regenerate(left.owner(), left.conversationId(), thinking, agent -> true, 4000, 20);
        assertNull(again.refused(), "the interrupted reply, empty, is the conversation's last and is regenerated");
        assertEquals("question", again.question());
    }

    @Test
    void aFailedBatchIsWrittenReplyByReply() {
        String first = streaming();
        String second = streaming();
        send(first, 2);
        send(second, 4);
        largestBatch.set(1);

        assertEquals(2, inFlight.writeProgress());
        assertEquals(List.of(2, 1, 1), batches, "the batch, then each reply in a transaction of its own");
        assertEquals(Map.of(first, "w0 w1 ", second, "w0 w1 w2 w3 "), writtenText());
    }

    @Test
    void aStoredReplyIsWrittenNoMoreAndLeavesNoRow() {
        String stored = streaming();
        String other = streaming();
        send(stored, 2);
        send(other, 2);
        assertEquals(2, inFlight.writeProgress());

        UnfinishedReply reply = repository.progressLeftBy(NODE, Long.MAX_VALUE).stream()
                .filter(row -> row.messageId().equals(stored)).findFirst().orElseThrow();
        inFlight.ended(stored);
        repository.addReply(reply.conversationId(), reply.position(), "echo", reply.text(), "complete", stored, "c",
                1000, 2000);
        send(stored, 3);
        send(other, 3);

        assertEquals(1, inFlight.writeProgress());
        assertEquals(List.of(other), List.copyOf(writtenText().keySet()));
    }

    @Test
    void aReplyStoredWhileItsProgressIsWrittenLeavesNoRow() {
        String racing = streaming();
        send(racing, 2);
        // the reply is stored (its row deleted) after its text was read for the write, before the write commits
        whenRead.put(racing, () -> inFlight.ended(racing));

        assertEquals(1, inFlight.writeProgress());
        assertEquals(Map.of(), writtenText(), "the row the write put back after the reply was stored is deleted");
    }
}
