package org.agentstream.streaming;

import java.time.Duration;

/**
 * Where each reply a client may resume is running and how to reach it: held from its admission until the resume
 * window after its end. A resume by another owner finds nothing, as if there were no such reply.
 * {@link LocalReplyDirectory} holds this node's replies.
 */
public interface ReplyDirectory {

    /** Holds an admitted reply for resuming, until it is forgotten. */
    void register(Admission reply);

    /** The log a new reply keeps its chunks in: this node's memory, or the cluster's grid too. */
    default ReplyLog newLog(String messageId) {
        return new LocalReplyLog();
    }

    /**
     * The reply starts; {@code turn} (null: none) is what its {@link ReplyRecorder} needs to store it, for a directory
     * that lets another node store it.
     */
    default void started(Admission reply, String turn) {
    }

    /**
     * Hands the reply over to a client of its owner that resumes it on {@code connection}, having every chunk up to
     * {@code afterSeq}: the reply moves there and sends the rest.
     */
    StreamingService.Resume handOver(String messageId, ConnectionStreams connection, ReplySink sink, int afterSeq);

    /** The reply will not stream after all (it was given back, or never started): it is forgotten now. */
    void forget(Admission reply);

    /** The reply ended: a client that lost its end may still resume it for {@code window}, then it is forgotten. */
    void forgetAfter(Admission reply, Duration window);

    /** Whether a reply is held for resuming now: streaming, or ended with no client less than its window ago. */
    boolean holds(String messageId);

    /** How many replies are held for resuming now. */
    int size();

    /** Ends every reply held here that still streams as interrupted (the application stops); how many did. */
    int interruptAll();
}
