package org.agentstream.streaming;

/** How a reply ended and exactly what its client was sent of it: the text and the number of chunks. */
public record EndedReply(String messageId, StreamStatus status, String sentText, int sentChunks) {
}
