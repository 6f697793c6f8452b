package org.agentstream.history;

/**
 * A reply's text as it was streamed: where each chunk ends in it, and when each was sent (epoch microseconds), so a
 * client that resumes a stored reply is sent the chunks it missed as they were.
 */
public record ReplyText(String content, int[] chunkEnds, long[] sentAtMicros) {

    /** Text with no chunk boundaries: one chunk, or none when empty. */
    public static ReplyText whole(String content, long sentAtMicros) {
        return content.isEmpty() ? new ReplyText("", new int[0], new long[0])
                : new ReplyText(content, new int[] {content.length()}, new long[] {sentAtMicros});
    }

    public int chunks() {
        return chunkEnds.length;
    }

    public String chunk(int seq) {
        return content.substring(seq == 0 ? 0 : chunkEnds[seq - 1], chunkEnds[seq]);
    }
}
