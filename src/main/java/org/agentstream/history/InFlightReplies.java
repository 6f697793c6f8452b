package org.agentstream.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The replies streaming on this node, and the group commit that writes what they have sent so far: each call of
 * {@link #writeProgress} writes every reply with chunks new since its last write (or not written yet) in one
 * transaction (each on its own when that fails), so a node killed mid-reply loses at most what was sent since the
 * last write. It runs on the history executor, one call at a time, off the streaming threads; the replies only answer
 * what they sent so far.
 */
final class InFlightReplies {

    private static final Logger LOG = Logger.getLogger(InFlightReplies.class.getName());

    /** One streaming reply: where it will be stored, how to read what it sent, and what of it was last written. */
    private static final class Streaming {
        final UnfinishedReply started;
        final Supplier<ReplyText> sentSoFar;
        /**
         * Chunks in the last write, -1 before the first: a reply is written once even with nothing sent, so that a
         * node killed while its agent thinks leaves a row, and the reply is stored as interrupted, not left with its
         * place reserved (its conversation neither regenerated nor edited) for ever. Only the writer reads or changes
         * it, one call at a time.
         */
        int writtenChunks = -1;
        /** Set when the reply is stored: a write that was under way may have put its row back. */
        volatile boolean ended;

        Streaming(UnfinishedReply started, Supplier<ReplyText> sentSoFar) {
            this.started = started;
            this.sentSoFar = sentSoFar;
        }
    }

    private final ConversationRepository repository;
    private final LongSupplier clock;
    private final Map<String, Streaming> streaming = new ConcurrentHashMap<>();

    InFlightReplies(ConversationRepository repository, LongSupplier clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** {@code reply} (its text empty) streams from now on; {@code sentSoFar} tells what it has sent. */
    void started(UnfinishedReply reply, Supplier<ReplyText> sentSoFar) {
        streaming.put(reply.messageId(), new Streaming(reply, sentSoFar));
    }

    /** The reply is being stored: it is written no more. */
    void ended(String messageId) {
        Streaming ended = streaming.remove(messageId);
        if (ended != null) {
            ended.ended = true;
        }
    }

    /** Whether the owner's reply {@code messageId} streams on this node. */
    boolean streams(String owner, String messageId) {
        Streaming reply = streaming.get(messageId);
        return reply != null && reply.started.owner().equals(owner);
    }

    int streamingCount() {
        return streaming.size();
    }

    /**
     * Writes what every streaming reply sent since its last write, in one transaction, and returns how many replies
     * were written. Not thread-safe: one call at a time.
     */
    int writeProgress() {
        List<Streaming> due = new ArrayList<>();
        List<UnfinishedReply> rows = new ArrayList<>();
        for (Streaming reply : streaming.values()) {
            if (reply.ended) {
                continue;
            }
            ReplyText text = reply.sentSoFar.get();
            if (text.chunks() != reply.writtenChunks) {
                due.add(reply);
                rows.add(reply.started.withText(text));
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        long began = System.nanoTime();
        int written = write(due, rows);
        LOG.log(Level.FINE, "The progress of {0} of {1} streaming replies was written in {2} µs", new Object[] {
            written, streaming.size(), (System.nanoTime() - began) / 1_000});
        // a reply stored while its row was written may have lost the row's deletion to this write: delete it again
        List<String> endedMeanwhile = due.stream().filter(reply -> reply.ended)
                .map(reply -> reply.started.messageId()).toList();
        if (!endedMeanwhile.isEmpty()) {
            try {
                repository.deleteProgress(endedMeanwhile);
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "The progress of replies stored meanwhile was not deleted: " + endedMeanwhile,
                        failure);
            }
        }
        return written;
    }

    /** Writes the rows in one transaction, or each on its own if that fails; how many were written. */
    private int write(List<Streaming> due, List<UnfinishedReply> rows) {
        try {
            repository.writeProgress(rows, clock.getAsLong());
            for (int i = 0; i < due.size(); i++) {
                due.get(i).writtenChunks = rows.get(i).text().chunks();
            }
            return rows.size();
        } catch (RuntimeException batchFailure) {
            LOG.log(Level.FINE, "The progress of " + rows.size() + " replies was not written at once", batchFailure);
        }
        int written = 0;
        RuntimeException last = null;
        for (int i = 0; i < due.size(); i++) {
            try {
                repository.writeProgress(List.of(rows.get(i)), clock.getAsLong());
                due.get(i).writtenChunks = rows.get(i).text().chunks();
                written++;
            } catch (RuntimeException failure) {
                last = failure;
            }
        }
        if (last != null) {
            LOG.log(Level.WARNING, "The progress of " + (rows.size() - written) + " of " + rows.size()
                    + " streaming replies was not written; they are tried again at the next write", last);
        }
        return written;
    }

}
