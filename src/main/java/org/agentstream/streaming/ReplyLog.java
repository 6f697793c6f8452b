package org.agentstream.streaming;

import java.util.Arrays;

/**
 * Every chunk a reply has produced, in seq order, with the time it was sent (or, while no client was attached,
 * would have been): what a client that lost its connection is sent again when it resumes, and what is stored. The
 * text is kept once, with each chunk's end in it, so a chunk costs twelve bytes beyond its text. Not thread-safe:
 * its reply guards it.
 */
final class ReplyLog {

    private final StringBuilder text = new StringBuilder();
    private int[] ends = new int[16];
    private long[] sentNanos = new long[16];
    private int size;

    void append(String chunk, long sentAt) {
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            sentNanos = Arrays.copyOf(sentNanos, size * 2);
        }
        text.append(chunk);
        ends[size] = text.length();
        sentNanos[size] = sentAt;
        size++;
    }

    /** Chunk {@code seq} was really written at {@code sentAt}. */
    void sentAt(int seq, long sentAt) {
        sentNanos[seq] = sentAt;
    }

    /** Forgets the last chunk: it was never written, and no client will ask for it. */
    void dropLast() {
        size--;
        text.setLength(size == 0 ? 0 : ends[size - 1]);
    }

    int size() {
        return size;
    }

    String chunk(int seq) {
        return text.substring(seq == 0 ? 0 : ends[seq - 1], ends[seq]);
    }

    long sentAt(int seq) {
        return sentNanos[seq];
    }

    String text() {
        return text.toString();
    }

    /** Where each chunk ends in {@link #text()}. */
    int[] ends() {
        return Arrays.copyOf(ends, size);
    }

    long[] sentNanos() {
        return Arrays.copyOf(sentNanos, size);
    }
}
