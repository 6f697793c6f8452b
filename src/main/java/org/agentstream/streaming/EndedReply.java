package org.agentstream.streaming;

/**
 * How a reply ended and everything it produced: the text, the number of chunks, where each chunk ends in the text,
 * and when each was sent ({@link System#nanoTime()}), so a stored reply can be sent again chunk by chunk.
 */
public record EndedReply(String messageId, StreamStatus status, String sentText, int sentChunks, int[] chunkEnds,
        long[] sentNanos) {
}
