package org.agentstream.wire;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Turns {@link System#nanoTime()} readings into epoch milliseconds with microsecond decimals for {@code sentAt}:
 * monotonic, so gaps between two sends are exact even when the wall clock is adjusted.
 */
public final class WireTime {

    private static final long EPOCH_MICROS_AT_START = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    private static final long NANOS_AT_START = System.nanoTime();

    private WireTime() {
    }

    public static BigDecimal epochMillis(long nanoTime) {
        return BigDecimal.valueOf(epochMicros(nanoTime), 3);
    }

    public static long epochMicros(long nanoTime) {
        return EPOCH_MICROS_AT_START + (nanoTime - NANOS_AT_START) / 1_000;
    }

    /** The {@link System#nanoTime()} reading that {@link #epochMicros} turns into {@code epochMicros}. */
    public static long nanoTime(long epochMicros) {
        return NANOS_AT_START + (epochMicros - EPOCH_MICROS_AT_START) * 1_000;
    }
}
