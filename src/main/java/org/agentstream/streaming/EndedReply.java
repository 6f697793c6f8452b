package org.agentstream.streaming;

import java.util.List;

/**
 * How a reply ended and everything it produced: the text, the number of chunks, where each chunk ends in the text,
 * and when each was sent ({@link System#nanoTime()}), so a stored reply can be sent again chunk by chunk.
 */
public record EndedReply(String messageId, StreamStatus status, String sentText, int sentChunks, int[] chunkEnds,
        long[] sentNanos) {

    /** The reply that {@code chunks}, its whole log in seq order, make. */
    public static EndedReply of(String messageId, StreamStatus status, List<ReplyLog.Chunk> chunks) {
        StringBuilder text = new StringBuilder();
        int[] ends = new int[chunks.size()];
        long[] sentNanos = new long[chunks.size()];
        for (int i = 0; i < ends.length; i++) {
            ReplyLog.Chunk chunk = chunks.get(i);
            text.append(chunk.delta());
            ends[i] = text.length();
            sentNanos[i] = chunk.sentNanos();
        }
        return new EndedReply(messageId, status, text.toString(), ends.length, ends, sentNanos);
    }
}
