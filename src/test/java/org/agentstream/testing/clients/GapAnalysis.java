package org.agentstream.testing.clients;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Compares when chunks were sent (the server's {@code sentAt}) with when they arrived, to tell a real-time stream
 * from one that was batched on the way.
 */
public record GapAnalysis(double[] sendGapsMs, double[] receiveGapsMs, double sendSpanMs, double receiveSpanMs) {

    /**
     * Two consecutive chunks were batched when the server sent them at least this far apart but they arrived less
     * than this far apart: the rule of the JavaScript client's {@code analyzeTiming} too (its
     * {@code BATCHED_GAP_MS}), documented in docs/protocol.md.
     */
    public static final double BATCHED_GAP_MS = 1.0;

    /** Whether one gap was batched (see {@link #BATCHED_GAP_MS}). */
    public static boolean batched(double sendGapMs, double receiveGapMs) {
        return sendGapMs >= BATCHED_GAP_MS && receiveGapMs < BATCHED_GAP_MS;
    }

    /** {@code sentAtMs} in epoch milliseconds; {@code receivedNanos} from {@link System#nanoTime()}. */
    public static GapAnalysis of(List<Double> sentAtMs, List<Long> receivedNanos) {
        if (sentAtMs.size() != receivedNanos.size() || sentAtMs.size() < 2) {
            throw new IllegalArgumentException("need two or more chunks with both times");
        }
        int gaps = sentAtMs.size() - 1;
        double[] send = new double[gaps];
        double[] receive = new double[gaps];
        for (int i = 0; i < gaps; i++) {
            send[i] = sentAtMs.get(i + 1) - sentAtMs.get(i);
            receive[i] = (receivedNanos.get(i + 1) - receivedNanos.get(i)) / 1e6;
        }
        return new GapAnalysis(send, receive, sentAtMs.get(gaps) - sentAtMs.get(0),
                (receivedNanos.get(gaps) - receivedNanos.get(0)) / 1e6);
    }

    public static GapAnalysis of(ChatClient.Reply reply) {
        return of(reply.chunks().stream().map(c -> c.json().getJsonNumber("sentAt").doubleValue()).toList(),
                reply.chunks().stream().map(ChatClient.Frame::receivedNanos).toList());
    }

    /** How many gaps were batched (see {@link #BATCHED_GAP_MS}). */
    public long batchedGaps() {
        return IntStream.range(0, receiveGapsMs.length).filter(i -> batched(sendGapsMs[i], receiveGapsMs[i])).count();
    }

    /** Share of the gaps that were batched. */
    public double batchedShare() {
        return batchedGaps() / (double) receiveGapsMs.length;
    }

    public double spanRatio() {
        return sendSpanMs == 0 ? 0 : receiveSpanMs / sendSpanMs;
    }

    /** Percentile (0..100) of |receive gap − send gap|, in ms. */
    public double gapDifferencePercentile(double percentile) {
        double[] differences = new double[sendGapsMs.length];
        for (int i = 0; i < differences.length; i++) {
            differences[i] = Math.abs(receiveGapsMs[i] - sendGapsMs[i]);
        }
        return percentile(differences, percentile);
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    public static double percentile(double[] values, double percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The ITs' verdict: at most this share of gaps batched ... */
    public static final double MAX_BATCHED_SHARE = 0.25;
    /** ... and the chunks spread over at least this share of the time they were sent over. */
    public static final double MIN_SPAN_RATIO = 0.8;

    /**
     * True when the stream arrived as it was sent. A transport that batches fails it however it batches: all at
     * once (the receive span collapses), in halves, pairs or groups (a third or more of the gaps are batched). One
     * stall of the test's own JVM on a busy machine (a pause, then a few chunks read together) passes, and so does
     * the jitter of a loaded machine, which moves arrivals by a few milliseconds either way without bunching them:
     * the verdict is not a race with the machine.
     */
    public boolean isRealTime() {
        return batchedShare() <= MAX_BATCHED_SHARE && spanRatio() >= MIN_SPAN_RATIO;
    }

    public String summary() {
        return String.format(Locale.ROOT,
                "%d gaps: send span %.1f ms, receive span %.1f ms (ratio %.2f), batched %.1f%%, "
                        + "|receive gap - send gap| p50 %.2f ms p99 %.2f ms",
                sendGapsMs.length, sendSpanMs, receiveSpanMs, spanRatio(), 100 * batchedShare(),
                gapDifferencePercentile(50), gapDifferencePercentile(99));
    }
}
