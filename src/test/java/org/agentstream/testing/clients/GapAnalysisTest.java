package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The IT's verdict must fail a stream that was sent paced but arrived in one burst. */
class GapAnalysisTest {

    private static final List<Double> SENT_10_MS_APART =
            IntStream.range(0, 48).mapToObj(i -> 1_000_000.0 + 10.0 * i).toList();

    @Test
    void aStreamThatArrivesAsSentIsRealTime() {
        List<Long> received = IntStream.range(0, 48)
                .mapToObj(i -> 5_000_000_000L + 10_000_000L * i + 300_000L * (i % 3))
                .toList();
        GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

        assertTrue(gaps.isRealTime(), gaps.summary());
        assertEquals(0.0, gaps.batchedShare());
    }

    @Test
    void aStreamThatArrivesInOneBurstIsNotRealTime() {
        List<Long> received = IntStream.range(0, 48).mapToObj(i -> 5_000_000_000L + 20_000L * i).toList();
        GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

        assertFalse(gaps.isRealTime(), gaps.summary());
        assertEquals(1.0, gaps.batchedShare());
    }

    @Test
    void aStreamHeldBackAndReleasedInTwoHalvesIsNotRealTime() {
        List<Long> received = IntStream.range(0, 48)
                .mapToObj(i -> 5_000_000_000L + (i < 24 ? 0 : 240_000_000L) + 50_000L * i).toList();
        GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

        assertFalse(gaps.isRealTime(), gaps.summary());
    }

    @Test
    void oneStallOfTheReceivingMachineIsNotBatching() {
        // the client is descheduled from 190 to 285 ms: chunks 20..28 wait in its socket and are read together
        List<Long> received = IntStream.range(0, 48).mapToObj(i -> 5_000_000_000L
                + (i >= 20 && i < 29 ? 285_000_000L + 20_000L * i : 10_000_000L * i)).toList();
        GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

        assertTrue(gaps.batchedShare() > 0.1, gaps.summary());
        assertTrue(gaps.isRealTime(), gaps.summary());
    }

    @Test
    void aStreamDeliveredInPairsOrFoursIsNotRealTime() {
        for (int group : new int[] {2, 4}) {
            List<Long> received = IntStream.range(0, 48)
                    .mapToObj(i -> 5_000_000_000L + 10_000_000L * group * (i / group + 1) + 30_000L * (i % group))
                    .toList();
            GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

            assertFalse(gaps.isRealTime(), "groups of " + group + ": " + gaps.summary());
        }
    }

    @Test
    void theJitterOfALoadedMachineIsNotBatching() {
        // each chunk arrives 0 to 9 ms late, by a fixed pseudo-random pattern: gaps vary, none bunch
        List<Long> received = IntStream.range(0, 48)
                .mapToObj(i -> 5_000_000_000L + 10_000_000L * i + 1_000_000L * ((i * 7) % 10)).toList();
        GapAnalysis gaps = GapAnalysis.of(SENT_10_MS_APART, received);

        assertTrue(gaps.gapDifferencePercentile(50) > 2.5, "gaps off by more than a quarter pause: " + gaps.summary());
        assertTrue(gaps.isRealTime(), gaps.summary());
    }
}
