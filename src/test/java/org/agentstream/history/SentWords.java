package org.agentstream.history;

/** A reply's text as the history's tests stream it: {@code w0 w1 …}, a word a chunk, sent 30 ms apart. */
final class SentWords {

    private SentWords() {
    }

    static ReplyText of(int count) {
        StringBuilder text = new StringBuilder();
        int[] ends = new int[count];
        long[] sentAt = new long[count];
        for (int i = 0; i < count; i++) {
            text.append("w").append(i).append(' ');
            ends[i] = text.length();
            sentAt[i] = 5_000_000 + i * 30_000L;
        }
        return new ReplyText(text.toString(), ends, sentAt);
    }
}
