package org.agentstream.metrics;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The little of a metrics system the application needs: counters, timers and gauges, each named once with its tags
 * (name, value, name, value…) and then recorded to through its handle. WildFly's Micrometer registry, Payara Server's
 * MicroProfile Metrics and the dashboard's own figures each implement it. A timer's buckets are the figures' own,
 * exported as gauges (see {@link ChatMeters}): neither server's application registry keeps exact buckets.
 */
public interface MetricsSystem {

    /** A count that only grows. */
    interface Count {
        void add(long n);
    }

    /** A timer: each recorded duration lands in a bucket and in the count and sum. */
    interface Timing {
        void record(long nanos);
    }

    /** Upper bounds of a timer's buckets in milliseconds: what every timer of the application is bucketed by. */
    long[] BUCKET_MS = {1, 2, 5, 8, 10, 11, 12, 15, 20, 30, 50, 75, 100, 200, 500, 1_000, 2_000, 5_000, 10_000,
        30_000, 60_000};

    Count counter(String name, String help, String... tags);

    Timing timer(String name, String help, String... tags);

    /** A value read when the metrics are read, such as the replies streaming now; a unit is part of its name. */
    void gauge(String name, String help, DoubleSupplier value, String... tags);

    /**
     * A count kept elsewhere, read when the metrics are read, exported as a counter ({@code <name>_total}): how a
     * timer's buckets leave (see {@link ChatMeters}).
     */
    void countedBy(String name, String help, LongSupplier value, String... tags);

    /** Removes what this system registered (the application stops); a handle taken before may record into nothing. */
    void close();

    /** Which system this is, for the log and {@code /status}. */
    String describe();
}
