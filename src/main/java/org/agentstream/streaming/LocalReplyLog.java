package org.agentstream.streaming;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reply's log in this node's memory, forgotten with its reply. The text is kept once, with each chunk's end in it,
 * so a chunk costs twelve bytes beyond its text. Not thread-safe: its reply guards it.
 */
final class LocalReplyLog implements ReplyLog {

    private final StringBuilder text = new StringBuilder();
    private int[] ends = new int[16];
    private long[] sentNanos = new long[16];
    private int size;
    private StreamStatus ended;

    @Override
    public void append(int seq, String delta, long sentAt) {
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
        text.append(delta);
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
            chunks.add(new Chunk(i, text.substring(i == 0 ? 0 : ends[i - 1], ends[i]), sentNanos[i]));
        }
        return chunks;
    }

    @Override
    public void end(StreamStatus status, long keepNanos) {
        ended = status;
    }
}
