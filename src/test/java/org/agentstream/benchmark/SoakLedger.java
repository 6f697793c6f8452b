package org.agentstream.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's clients saw, from all their threads: every reply they saw end (what the end check looks for in
 * the database), the conversations each user's replies went into, counts of what happened, and the problems met,
 * each a way the server did not answer as the protocol says.
 */
final class SoakLedger {

    /** How many problems are kept word for word; the rest are only counted. */
    private static final int PROBLEMS_KEPT = 40;

    /** A reply a client saw end: whose, in which conversation, its id, the text the client put together, its end. */
    record SeenReply(String user, String conversationId, String messageId, String text, String status) {
    }

    private final Queue<SeenReply> replies = new ConcurrentLinkedQueue<>();
    private final Map<String, Set<String>> conversations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong problemCount = new AtomicLong();
    private final AtomicLong repliesEnded = new AtomicLong();

    void replyEnded(SeenReply reply) {
        replies.add(reply);
        repliesEnded.incrementAndGet();
        count("replies ended " + reply.status());
    }

    /** A reply of {@code user}'s went into {@code conversationId}: the end check reads it back. */
    void conversation(String user, String conversationId) {
        conversations.computeIfAbsent(user, key -> ConcurrentHashMap.newKeySet()).add(conversationId);
    }

    void count(String what) {
        count(what, 1);
    }

    void count(String what, long more) {
        counts.computeIfAbsent(what, key -> new LongAdder()).add(more);
    }

    /** Something the server did that the protocol does not allow, or a wait that ran out. */
    void problem(String what) {
        if (problemCount.incrementAndGet() <= PROBLEMS_KEPT) {
            problems.add(what);
        }
    }

    long repliesEnded() {
        return repliesEnded.get();
    }

    List<SeenReply> replies() {
        return List.copyOf(replies);
    }

    Map<String, Set<String>> conversations() {
        return Map.copyOf(conversations);
    }

    long counted(String what) {
        LongAdder count = counts.get(what);
        return count == null ? 0 : count.sum();
    }

    /** Every count, by name. */
    Map<String, Long> counts() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((what, count) -> sorted.put(what, count.sum()));
        return sorted;
    }

    long problemCount() {
        return problemCount.get();
    }

    /** The first problems, word for word. */
    List<String> problems() {
        return new ArrayList<>(problems);
    }
}
