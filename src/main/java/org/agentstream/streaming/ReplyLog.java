package org.agentstream.streaming;

import java.util.List;
import org.agentstream.agent.ReplyEvent;

/**
 * The chunks of a reply in flight, by seq, each with the time it was first sent: what a client that resumes the reply
 * is sent again, and what is stored when it ends. {@link LocalReplyLog} keeps them in this node's memory; a log in
 * the cluster's grid lets another node resume the reply. Its reply calls it under its lock, one call at a time, so an
 * implementation must not wait on the network in these calls.
 */
public interface ReplyLog {

    /** One logged frame (text or another event) and the time it was first sent ({@link System#nanoTime()}). */
    record Chunk(int seq, ReplyEvent event, long sentNanos) {
    }

    /**
     * The agent made a chunk, which is logged after every chunk made before it, unless the reply ends first: a log
     * kept elsewhere may start writing it now, so that it is there by the time it is sent.
     */
    default void ahead(ReplyEvent event) {
    }

    /** Logs chunk {@code seq}, the next one ({@link #size()}), as sent at {@code sentNanos}. */
    void append(int seq, ReplyEvent event, long sentNanos);

    /** Chunk {@code seq} was written at {@code sentNanos}, later than it was logged. */
    void written(int seq, long sentNanos);

    /** Forgets chunk {@code seq}, the last one: it was never written, and no client will ask for it. */
    void drop(int seq);

    /** How many chunks are logged: the next chunk's seq. */
    int size();

    /** The chunks after {@code seq} in seq order; after -1, all of them. */
    List<Chunk> readAfter(int seq);

    /** The reply ended as {@code end} says: nothing more is logged, and the log may be forgotten after keepNanos. */
    void end(ReplyEnd end, long keepNanos);

    /**
     * Runs {@code toClient}, a call of the reply's client, once every chunk logged so far is as safe as this log
     * keeps it: at once in this node's memory; once the grid has them for a log in the grid, so that a client is
     * never sent a chunk that its node's death would take from the log. Calls run in the order they were asked for;
     * unlike the others, this one is called outside the reply's lock.
     */
    default void afterLogged(Runnable toClient) {
        toClient.run();
    }
}
