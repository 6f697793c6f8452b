package org.agentstream.metrics;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The application's own copy of its meters, in this node's memory, for the dashboard: counts and bucketed timers
 * since the application started, read as JSON; the dashboard takes the difference of two reads for what happened in
 * between. Recording is a few {@link LongAdder} increments, with no lock.
 */
final class LocalFigures implements MetricsSystem {

    private static final long[] BUCKET_NANOS = java.util.Arrays.stream(BUCKET_MS)
            .map(TimeUnit.MILLISECONDS::toNanos).toArray();

    private final List<Counted> counters = new CopyOnWriteArrayList<>();
    private final List<Timed> timers = new CopyOnWriteArrayList<>();
    private final List<Gauged> gauges = new CopyOnWriteArrayList<>();

    private record Counted(String name, String[] tags, LongAdder value) {
    }

    /** A timer's figures: a count per bucket of {@link #BUCKET_MS} (and one past them all), and the sum. */
    record Timed(String name, String[] tags, LongAdder[] buckets, DoubleAdder sumNanos) implements Timing {
        @Override
        public void record(long nanos) {
            buckets[bucket(nanos)].increment();
            sumNanos.add(nanos);
        }

        /** How many durations took at most the {@code bound}th bound (the last index: all of them). */
        long atMost(int bound) {
            long count = 0;
            for (int i = 0; i <= bound; i++) {
                count += buckets[i].sum();
            }
            return count;
        }
    }

    private record Gauged(String name, String[] tags, DoubleSupplier value) {
    }

    /** The first bucket whose bound {@code nanos} does not pass; the last one (no bound) past them all. */
    static int bucket(long nanos) {
        int low = 0;
        int high = BUCKET_NANOS.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (BUCKET_NANOS[mid] < nanos) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    @Override
    public Count counter(String name, String help, String... tags) {
        LongAdder value = new LongAdder();
        counters.add(new Counted(name, tags, value));
        return value::add;
    }

    @Override
    public Timed timer(String name, String help, String... tags) {
        LongAdder[] buckets = new LongAdder[BUCKET_NANOS.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
        Timed timed = new Timed(name, tags, buckets, new DoubleAdder());
        timers.add(timed);
        return timed;
    }

    @Override
    public void gauge(String name, String help, DoubleSupplier value, String... tags) {
        gauges.add(new Gauged(name, tags, value));
    }

    /** The figures keep a timer's buckets themselves: a count read from elsewhere is not needed here. */
    @Override
    public void countedBy(String name, String help, LongSupplier value, String... tags) {
        gauge(name, help, value::getAsLong, tags);
    }

    /**
     * Every figure now: {@code counters} (name, tags, value), {@code timers} (name, tags, count, sumMs, and counts
     * per bucket: {@code counts[i]} took at most {@code bucketsMs[i]}, the last one more than them all) and
     * {@code gauges} (name, tags, value).
     */
    JsonObject snapshot() {
        JsonArrayBuilder counted = Json.createArrayBuilder();
        for (Counted counter : counters) {
            counted.add(named(counter.name(), counter.tags()).add("value", counter.value().sum()));
        }
        JsonArrayBuilder timed = Json.createArrayBuilder();
        for (Timed timer : timers) {
            JsonArrayBuilder counts = Json.createArrayBuilder();
            long count = 0;
            for (LongAdder bucket : timer.buckets()) {
                long n = bucket.sum();
                count += n;
                counts.add(n);
            }
            timed.add(named(timer.name(), timer.tags()).add("count", count)
                    .add("sumMs", timer.sumNanos().sum() / 1e6).add("counts", counts));
        }
        JsonArrayBuilder gauged = Json.createArrayBuilder();
        for (Gauged gauge : gauges) {
            double value = gauge.value().getAsDouble();
            gauged.add(named(gauge.name(), gauge.tags()).add("value", Double.isFinite(value) ? value : 0));
        }
        JsonArrayBuilder bounds = Json.createArrayBuilder();
        for (long bound : BUCKET_MS) {
            bounds.add(bound);
        }
        return Json.createObjectBuilder().add("bucketsMs", bounds).add("counters", counted).add("timers", timed)
                .add("gauges", gauged).build();
    }

    private static JsonObjectBuilder named(String name, String[] tags) {
        JsonObjectBuilder tagged = Json.createObjectBuilder();
        for (int i = 0; i + 1 < tags.length; i += 2) {
            tagged.add(tags[i], tags[i + 1]);
        }
        return Json.createObjectBuilder().add("name", name).add("tags", tagged);
    }

    @Override
    public void close() {
        counters.clear();
        timers.clear();
        gauges.clear();
    }

    @Override
    public String describe() {
        return "the dashboard's figures";
    }
}
