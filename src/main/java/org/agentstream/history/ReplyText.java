package org.agentstream.history;

import java.util.Map;
import org.agentstream.agent.ReplyEvent;

/**
 * A reply as it was streamed: its text, where each frame ends in it (a frame that is not text, such as a tool call,
 * ends where the one before it does), when each was sent (epoch microseconds), the frames that are not text by seq,
 * and what the model used (null when unknown), so a client that resumes a stored reply is sent the frames it missed
 * as they were.
 */
public record ReplyText(String content, int[] chunkEnds, long[] sentAtMicros, Map<Integer, ReplyEvent> events,
        ReplyEvent.Usage usage) {

    public ReplyText {
        events = events == null ? Map.of() : Map.copyOf(events);
    }

    /** A reply of text alone. */
    public ReplyText(String content, int[] chunkEnds, long[] sentAtMicros) {
        this(content, chunkEnds, sentAtMicros, Map.of(), null);
    }

    /** Text with no chunk boundaries: one chunk, or none when empty. */
    public static ReplyText whole(String content, long sentAtMicros) {
        return content.isEmpty() ? new ReplyText("", new int[0], new long[0])
                : new ReplyText(content, new int[] {content.length()}, new long[] {sentAtMicros});
    }

    /** The same reply with its frames that are not text and its usage. */
    ReplyText with(Map<Integer, ReplyEvent> others, ReplyEvent.Usage used) {
        return new ReplyText(content, chunkEnds, sentAtMicros, others, used);
    }

    public int chunks() {
        return chunkEnds.length;
    }

    public String chunk(int seq) {
        return content.substring(seq == 0 ? 0 : chunkEnds[seq - 1], chunkEnds[seq]);
    }

    /** Frame {@code seq}: its event, or its text. */
    public ReplyEvent event(int seq) {
        ReplyEvent other = events.get(seq);
        return other != null ? other : new ReplyEvent.Text(chunk(seq));
    }
}
