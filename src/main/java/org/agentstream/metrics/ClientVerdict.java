package org.agentstream.metrics;

/**
 * A client's report of how one reply reached it, judged by the rule of the tests (GapAnalysis in the test suite):
 * the reply arrived batched when more than a quarter of the gaps between its chunks were batched (sent 1 ms or more
 * apart, received less than 1 ms apart), or when it arrived over less than 0.8 of the time it was sent over (a
 * reply sent all at once, over no time, too). {@code meanGapDifferenceNanos}: how far, on average, a gap as received
 * was from the gap as sent, |mean(receive gap − send gap)| = |receive span − send span| / gaps.
 */
public record ClientVerdict(boolean batched, long meanGapDifferenceNanos) {

    /** The share of gaps that may be batched for a reply that still arrived as it was sent. */
    public static final double MAX_BATCHED_SHARE = 0.25;
    /** The least share of the send span that the receive span may be for such a reply. */
    public static final double MIN_SPAN_RATIO = 0.8;

    /**
     * {@code chunks} received, {@code batchedGaps} of the {@code chunks - 1} gaps between them batched, the chunks
     * received over {@code receiveSpanMs} and sent over {@code sendSpanMs}.
     */
    public static ClientVerdict of(int chunks, int batchedGaps, double receiveSpanMs, double sendSpanMs) {
        int gaps = Math.max(1, chunks - 1);
        boolean batched = batchedGaps > MAX_BATCHED_SHARE * gaps || receiveSpanMs < MIN_SPAN_RATIO * sendSpanMs
                || sendSpanMs <= 0;
        return new ClientVerdict(batched, Math.round(Math.abs(receiveSpanMs - sendSpanMs) / gaps * 1e6));
    }
}
