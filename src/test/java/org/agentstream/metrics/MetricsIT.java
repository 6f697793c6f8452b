package org.agentstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerMetrics;
import org.agentstream.testing.fixtures.ServerMetrics.Series;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/**
 * The application's meters in the server's own metrics system, read from its endpoint as a monitoring system does
 * (WildFly: the Prometheus registry on the management interface; Payara Server: MicroProfile Metrics' /metrics):
 * replies by agent and status, error frames by code, the timers with their buckets, the gauges.
 */
class MetricsIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A connection streams at most 16 replies at once: the 17th held one is told busy. */
    private static final int ASKED = 17;

    @Test
    void theServersEndpointCountsRepliesByStatusErrorsByCodeAndTimesTheChunks() throws Exception {
        List<Series> before = ServerMetrics.scrape(base);
        try (ChatClient client = ChatClient.connect(base)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ASKED; i++) {
                ids.add("h" + i);
                client.ask("h" + i, "held", Conversations.words(8));
            }
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> ids.stream()
                    .allMatch(id -> !read.errors(id).isEmpty() || !read.chunks(id).isEmpty()), WAIT);
            List<String> admitted = ids.stream().filter(replies::started).toList();
            assertEquals(ASKED - 1, admitted.size(), "one is told busy");
            String cancelled = admitted.get(0);
            client.cancel(replies.start(cancelled).text("messageId"));
            client.readUntil(replies, read -> read.ended(cancelled), WAIT);
            assertEquals("cancelled", replies.reply(cancelled).status());
            assertEquals(ASKED - 2, TestSupport.releaseHeldReplies(base), "the others were held");
            client.readUntil(replies, read -> admitted.stream().allMatch(read::ended), WAIT);
            client.send("{not json");
            assertEquals("bad_frame", client.next("error", WAIT).text("code"));
        }

        List<Series> after = ServerMetrics.scrape(base);
        System.out.printf(Locale.ROOT, "[metrics] %s%n", String.join("\n[metrics] ", after.stream()
                .filter(series -> series.name().startsWith("agentstream_")
                        && "held".equals(series.labels().getOrDefault("agent", "held"))
                        && !series.name().endsWith("_le_total"))
                .map(Series::toString).toList()));
        assertEquals(ASKED - 2, counted(before, after, "agentstream_replies_total", "agent=held", "status=complete"));
        assertEquals(1, counted(before, after, "agentstream_replies_total", "agent=held", "status=cancelled"));
        assertEquals(0, counted(before, after, "agentstream_replies_total", "agent=held", "status=failed"));
        assertEquals(1, counted(before, after, "agentstream_errors_total", "code=busy"));
        assertEquals(1, counted(before, after, "agentstream_errors_total", "code=bad_frame"));
        assertEquals(ASKED - 1, counted(before, after, "agentstream_reply_first_chunk_seconds_count", "agent=held"));
        assertEquals(ASKED - 1, counted(before, after, "agentstream_reply_duration_seconds_count", "agent=held"));
        double gaps = counted(before, after, "agentstream_reply_send_gap_seconds_count", "agent=held");
        assertTrue(gaps >= ASKED - 2, "the complete replies had more than one chunk each: " + gaps);
        assertEquals(gaps, counted(before, after, "agentstream_reply_send_gap_seconds_le_total", "agent=held",
                "le=+Inf"), "every gap is in the buckets");
        assertEquals(0, counted(before, after, "agentstream_reply_send_gap_seconds_le_total", "agent=held", "le=0.008"),
                "no gap is shorter than the pace (10 ms)");
        for (String gauge : List.of("agentstream_replies_active", "agentstream_connections",
                "agentstream_timer_lag_seconds", "agentstream_client_batched_fraction")) {
            assertTrue(ServerMetrics.has(after, gauge), gauge);
        }
    }

    private static double counted(List<Series> before, List<Series> after, String name, String... labels) {
        return ServerMetrics.sum(after, name, labels) - ServerMetrics.sum(before, name, labels);
    }
}
