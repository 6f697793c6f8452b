package org.agentstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.agentstream.agent.ModelObserver;
import org.agentstream.streaming.ReplyObserver;
import org.agentstream.streaming.StreamStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters' names, tags and values as a server's metrics system receives them, and the dashboard's copy. */
class ChatMetersTest {

    /** A metrics system that keeps what is recorded by "name{tag=value,…}". */
    private static final class RecordedSystem implements MetricsSystem {
        final Map<String, Long> values = new TreeMap<>();
        final Map<String, List<Long>> timings = new TreeMap<>();
        final Map<String, DoubleSupplier> gauges = new TreeMap<>();

        private static String key(String name, String... tags) {
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < tags.length; i += 2) {
                pairs.add(tags[i] + "=" + tags[i + 1]);
            }
            return name + pairs;
        }

        @Override
        public synchronized Count counter(String name, String help, String... tags) {
            String key = key(name, tags);
            values.put(key, 0L);
            return n -> {
                synchronized (this) {
                    values.merge(key, n, Long::sum);
                }
            };
        }

        @Override
        public synchronized Timing timer(String name, String help, String... tags) {
            String key = key(name, tags);
            timings.put(key, new ArrayList<>());
            return nanos -> {
                synchronized (this) {
                    timings.get(key).add(TimeUnit.NANOSECONDS.toMillis(nanos));
                }
            };
        }

        @Override
        public void gauge(String name, String help, DoubleSupplier value, String... tags) {
            gauges.put(key(name, tags), value);
        }

        @Override
        public void countedBy(String name, String help, java.util.function.LongSupplier value, String... tags) {
            gauges.put(key(name, tags), value::getAsLong);
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "recorded";
        }
    }

    private final RecordedSystem server = new RecordedSystem();
    private final ChatMeters meters = new ChatMeters(List.of(server));

    @AfterEach
    void noSetting() {
        System.clearProperty("agentstream.metrics.enabled");
    }

    @Test
    void aReplysTimesAndEndGoToTheServerWithItsAgentAndStatus() {
        ReplyObserver reply = meters.reply("echo", "m1");
        reply.firstChunk(TimeUnit.MILLISECONDS.toNanos(7));
        reply.sendGap(TimeUnit.MILLISECONDS.toNanos(10));
        reply.sendGap(TimeUnit.MILLISECONDS.toNanos(11));
        reply.ended(StreamStatus.CANCELLED, 3, TimeUnit.MILLISECONDS.toNanos(40));
        meters.reply("echo", "m2").ended(StreamStatus.COMPLETE, 0, 0);

        assertEquals(List.of(7L), server.timings.get("agentstream.reply.first.chunk[agent=echo]"));
        assertEquals(List.of(10L, 11L), server.timings.get("agentstream.reply.send.gap[agent=echo]"));
        assertEquals(List.of(40L, 0L), server.timings.get("agentstream.reply.duration[agent=echo]"));
        assertEquals(1L, server.values.get("agentstream.replies[agent=echo, status=cancelled]"));
        assertEquals(1L, server.values.get("agentstream.replies[agent=echo, status=complete]"));
        assertEquals(0L, server.values.get("agentstream.replies[agent=echo, status=failed]"));
    }

    @Test
    void errorFramesResumesAndModelUsageAreCountedByTheirTags() {
        meters.errorSent("busy");
        meters.errorSent("busy");
        meters.errorSent("bad_frame");
        meters.errorSent("not_a_code");
        meters.resumed(true);
        meters.resumed(false);
        meters.replayedChunk();
        ModelObserver model = meters.call("gpt", "some-model");
        model.firstToken(TimeUnit.MILLISECONDS.toNanos(250));
        model.usage(12, 34);

        assertEquals(2L, server.values.get("agentstream.errors[code=busy]"));
        assertEquals(1L, server.values.get("agentstream.errors[code=bad_frame]"));
        assertEquals(0L, server.values.get("agentstream.errors[code=rate_limited]"));
        assertEquals(1L, server.values.get("agentstream.resumes[from=live]"));
        assertEquals(1L, server.values.get("agentstream.resumes[from=stored]"));
        assertEquals(1L, server.values.get("agentstream.replayed.chunks[]"));
        assertEquals(List.of(250L), server.timings.get("agentstream.model.first.token[agent=gpt]"));
        assertEquals(12L, server.values.get("agentstream.model.tokens[agent=gpt, kind=input]"));
        assertEquals(34L, server.values.get("agentstream.model.tokens[agent=gpt, kind=output]"));
    }

    @Test
    void theDashboardsFiguresCountTheSameAndBucketTimesByTheirBounds() {
        meters.clientReported(ClientVerdict.of(11, 0, 100, 100));
        meters.clientReported(ClientVerdict.of(11, 9, 2, 100));
        ReplyObserver reply = meters.reply("echo", "m1");
        reply.sendGap(TimeUnit.MICROSECONDS.toNanos(10_500)); // in the bucket up to 11 ms
        reply.sendGap(TimeUnit.MILLISECONDS.toNanos(10)); // at a bound: in its bucket
        reply.sendGap(TimeUnit.MINUTES.toNanos(5)); // past every bound

        JsonObject figures = meters.figures();
        assertEquals(2, counter(figures, "agentstream.client.reports"));
        assertEquals(1, counter(figures, "agentstream.client.batched"));
        assertEquals(2L, server.values.get("agentstream.client.reports[]"));
        JsonObject gaps = figures.getJsonArray("timers").getValuesAs(JsonObject.class).stream()
                .filter(timer -> timer.getString("name").equals("agentstream.reply.send.gap")).findFirst()
                .orElseThrow();
        List<Long> bounds = figures.getJsonArray("bucketsMs").getValuesAs(jakarta.json.JsonNumber.class).stream()
                .map(jakarta.json.JsonNumber::longValue).toList();
        List<Long> counts = gaps.getJsonArray("counts").getValuesAs(jakarta.json.JsonNumber.class).stream()
                .map(jakarta.json.JsonNumber::longValue).toList();
        assertEquals(bounds.size() + 1, counts.size());
        assertEquals(1, counts.get(bounds.indexOf(10L)));
        assertEquals(1, counts.get(bounds.indexOf(11L)));
        assertEquals(1, counts.get(bounds.size()));
        assertEquals(3, gaps.getInt("count"));
        assertEquals("echo", gaps.getJsonObject("tags").getString("agent"));
    }

    @Test
    void eachTimersBucketsReachTheServerAsCumulativeCountsInSeconds() {
        ReplyObserver reply = meters.reply("echo", "m1");
        reply.sendGap(TimeUnit.MILLISECONDS.toNanos(10));
        reply.sendGap(TimeUnit.MICROSECONDS.toNanos(10_500));
        reply.sendGap(TimeUnit.MINUTES.toNanos(5));

        String bucket = "agentstream.reply.send.gap.seconds.le[agent=echo, le=";
        assertEquals(0.0, server.gauges.get(bucket + "0.008]").getAsDouble());
        assertEquals(1.0, server.gauges.get(bucket + "0.01]").getAsDouble());
        assertEquals(2.0, server.gauges.get(bucket + "0.011]").getAsDouble());
        assertEquals(2.0, server.gauges.get(bucket + "60]").getAsDouble());
        assertEquals(3.0, server.gauges.get(bucket + "+Inf]").getAsDouble());
    }

    @Test
    void withMetricsOffNothingIsRecorded() {
        System.setProperty("agentstream.metrics.enabled", "false");
        assertSame(ReplyObserver.NONE, meters.reply("echo", "m1"));
        assertSame(ModelObserver.NONE, meters.call("gpt", "model"));
        meters.errorSent("busy");
        meters.clientReported(ClientVerdict.of(11, 9, 2, 100));

        assertEquals(0L, server.values.get("agentstream.errors[code=busy]"));
        assertEquals(0L, server.values.get("agentstream.client.reports[]"));
    }

    @Test
    void aReplyArrivedBatchedByTheRuleOfTheTests() {
        assertFalse(ClientVerdict.of(11, 2, 100, 100).batched(), "2 of 10 gaps batched: a stall, not batching");
        assertTrue(ClientVerdict.of(11, 3, 100, 100).batched(), "3 of 10 gaps batched");
        assertTrue(ClientVerdict.of(11, 0, 79, 100).batched(), "squeezed into less than 0.8 of the send span");
        assertFalse(ClientVerdict.of(11, 0, 80, 100).batched());
        assertTrue(ClientVerdict.of(3, 0, 0, 0).batched(), "sent all at once: as the tests' GapAnalysis judges it");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2), ClientVerdict.of(11, 0, 120, 100).meanGapDifferenceNanos());
    }

    private static long counter(JsonObject figures, String name) {
        return figures.getJsonArray("counters").getValuesAs(JsonObject.class).stream()
                .filter(counter -> counter.getString("name").equals(name)).findFirst().orElseThrow()
                .getJsonNumber("value").longValue();
    }
}
