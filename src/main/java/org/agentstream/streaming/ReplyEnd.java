package org.agentstream.streaming;

import org.agentstream.agent.ReplyEvent;

/**
 * What {@code stream_end} says: how the reply ended, how many frames it sent (its seqs), what went wrong if it failed,
 * what the model used if the agent said ({@code usage}, else null), and how long after its message arrived its first
 * frame was written ({@code firstChunkMs}, null when none was or the arrival is not known).
 */
public record ReplyEnd(StreamStatus status, int chunks, ReplyFailure failure, ReplyEvent.Usage usage,
        Long firstChunkMs) {

    /** An end with nothing but its status and count (a reply stored before usage was kept, or lost with its node). */
    public static ReplyEnd of(StreamStatus status, int chunks, ReplyFailure failure) {
        return new ReplyEnd(status, chunks, failure, null, null);
    }
}
