package org.agentstream.metrics;

import java.util.function.DoubleSupplier;

/**
 * The little of a metrics system the application needs: counters, timers with fixed buckets and gauges, each named
 * once with its tags (name, value, name, value…) and then recorded to through its handle. WildFly's Micrometer
 * registry, Payara Server's MicroProfile Metrics and the dashboard's own figures each implement it.
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

    /** A value read when the metrics are read, such as the replies streaming now; {@code unit} null for a count. */
    void gauge(String name, String help, String unit, DoubleSupplier value);

    /** Removes what this system registered (the application stops); a handle taken before may record into nothing. */
    void close();

    /** Which system this is, for the log and {@code /status}. */
    String describe();
}
