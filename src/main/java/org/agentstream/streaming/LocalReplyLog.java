package org.agentstream.streaming;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.agentstream.agent.ReplyEvent;

/**
 * A reply's log in this node's memory, forgotten with its reply. The text is kept once, with each chunk's end in it,
 * so a text chunk costs twelve bytes beyond its text; the other events (reasoning, tool calls and results) are kept
 * as they are, by seq. Not thread-safe: its reply guards it.
 */
final class LocalReplyLog implements ReplyLog {

    private final StringBuilder text = new StringBuilder();
    private int[] ends = new int[16];
    private long[] sentNanos = new long[16];
    private int size;
    /** The events that are not text, by seq. */
    private final Map<Integer, ReplyEvent> others = new HashMap<>();
    private StreamStatus ended;

    @Override
    public void append(int seq, ReplyEvent event, long sentAt) {
        if (ended != null) {
            throw new IllegalStateException("the reply ended " + ended + ": nothing more is logged");
        }
        if (seq != size) {
            throw new IllegalArgumentException("chunk " + seq + " logged after " + size + " chunks");
        }
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            sentNanos = Arrays.copyOf(sentNanos, size * 2);
        }
        if (event instanceof ReplyEvent.Text piece) {
            text.append(piece.delta());
        } else {
            others.put(seq, event);
        }
        ends[size] = text.length();
        sentNanos[size] = sentAt;
        size++;
    }

    @Override
    public void written(int seq, long sentAt) {
        sentNanos[Objects.checkIndex(seq, size)] = sentAt;
    }

    @Override
    public void drop(int seq) {
        if (seq != size - 1) {
            throw new IllegalArgumentException("chunk " + seq + " is not the last of " + size);
        }
        size--;
        others.remove(seq);
        text.setLength(size == 0 ? 0 : ends[size - 1]);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<Chunk> readAfter(int seq) {
        int from = Math.max(0, seq + 1);
        List<Chunk> chunks = new ArrayList<>(Math.max(0, size - from));
        for (int i = from; i < size; i++) {
            ReplyEvent other = others.get(i);
            chunks.add(new Chunk(i, other != null ? other
                    : new ReplyEvent.Text(text.substring(i == 0 ? 0 : ends[i - 1], ends[i])), sentNanos[i]));
        }
        return chunks;
    }

    @Override
    public void end(ReplyEnd end, long keepNanos) {
        ended = end.status();
    }
}
