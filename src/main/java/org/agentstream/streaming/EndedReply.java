package org.agentstream.streaming;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agentstream.agent.ReplyEvent;

/**
 * How a reply ended and everything it produced, so a stored reply can be sent again frame by frame: its text, the
 * number of frames (seqs), where each frame ends in the text (a frame that is not text ends where the one before it
 * does), when each was sent ({@link System#nanoTime()}), the frames that are not text by seq ({@code events}), and
 * what the model used ({@code usage}, null when the agent did not say).
 */
public record EndedReply(String messageId, StreamStatus status, String sentText, int sentChunks, int[] chunkEnds,
        long[] sentNanos, Map<Integer, ReplyEvent> events, ReplyEvent.Usage usage) {

    /** The reply that {@code chunks}, its whole log in seq order, make, with the usage the agent reported. */
    public static EndedReply of(String messageId, StreamStatus status, List<ReplyLog.Chunk> chunks,
            ReplyEvent.Usage usage) {
        StringBuilder text = new StringBuilder();
        int[] ends = new int[chunks.size()];
        long[] sentNanos = new long[chunks.size()];
        Map<Integer, ReplyEvent> events = new TreeMap<>();
        for (int i = 0; i < ends.length; i++) {
            ReplyLog.Chunk chunk = chunks.get(i);
            if (chunk.event() instanceof ReplyEvent.Text piece) {
                text.append(piece.delta());
            } else {
                events.put(i, chunk.event());
            }
            ends[i] = text.length();
            sentNanos[i] = chunk.sentNanos();
        }
        return new EndedReply(messageId, status, text.toString(), ends.length, ends, sentNanos,
                Collections.unmodifiableMap(events), usage);
    }
}
