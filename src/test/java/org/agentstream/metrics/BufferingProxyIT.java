package org.agentstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.clients.ChatPage;
import org.agentstream.testing.clients.ConnectionRelay;
import org.agentstream.testing.clients.DashboardPage;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The original incident, caught in production by the clients themselves: a proxy that buffers what the server sends
 * and forwards it in bursts makes every reply arrive batched although the server paced it. The clients' timing
 * reports make the server count those replies batched (100%), while replies to clients reached directly count as
 * real time (0%). The proxy lets a reply go once the server counts it ended, so what the client gets is one burst
 * however fast or slow the machine is (waiting for the server to be idle instead could see it idle before the
 * message even arrived).
 */
class BufferingProxyIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int REPLIES = 3;
    private static final String TWENTY_WORDS = IntStream.range(0, 20).mapToObj(i -> "word" + i)
            .collect(Collectors.joining(" "));

    @Test
    void repliesThroughABufferingProxyAreCountedBatchedAndDirectOnesAreNot() throws Exception {
        JsonObject before = ServerStatus.figures(base);
        try (ConnectionRelay proxy = ConnectionRelay.to(base);
                ChatClient direct = ChatClient.connect(base);
                ChatClient proxied = ChatClient.connect(URI.create(proxy.relayed(base)).toURL())) {
            for (int i = 0; i < REPLIES; i++) {
                direct.ask("d" + i, "echo", TWENTY_WORDS);
                Reply reply = direct.reply("d" + i, WAIT);
                Frame verdict = direct.reportTiming("dt" + i, reply, WAIT);
                System.out.printf(Locale.ROOT, "[buffering proxy] direct reply %d: %s -> %s%n", i,
                        GapAnalysis.of(reply).summary(), verdict.json());
                assertEquals("timing_recorded", verdict.type(), verdict.json().toString());
                assertFalse(verdict.json().getBoolean("batched"), "a reply reached directly arrives as sent");
            }
            for (int i = 0; i < REPLIES; i++) {
                proxy.holdFromServer();
                long ended = ServerStatus.counter(ServerStatus.figures(base), "agentstream.replies");
                proxied.ask("p" + i, "echo", TWENTY_WORDS);
                ServerStatus.awaitCounter(base, "agentstream.replies", ended + 1, WAIT); // the server sent it whole
                assertTrue(proxy.release() > 0, "the proxy held the reply");
                Reply reply = proxied.reply("p" + i, WAIT);
                assertEquals("complete", reply.status());
                Frame verdict = proxied.reportTiming("pt" + i, reply, WAIT);
                System.out.printf(Locale.ROOT, "[buffering proxy] proxied reply %d: %s -> %s%n", i,
                        GapAnalysis.of(reply).summary(), verdict.json());
                assertEquals("timing_recorded", verdict.type(), verdict.json().toString());
                assertTrue(verdict.json().getBoolean("batched"), "the proxy's burst is seen for what it is");
            }
        }
        JsonObject after = ServerStatus.figures(base);
        long reports = counted(before, after, "agentstream.client.reports");
        long batched = counted(before, after, "agentstream.client.batched");
        System.out.printf(Locale.ROOT, "[buffering proxy] the server counted %d reports, %d batched%n", reports,
                batched);
        assertEquals(2 * REPLIES, reports);
        assertEquals(REPLIES, batched, "every proxied reply and none of the direct ones");
        assertEquals(2 * REPLIES, ServerStatus.timerCount(after, "agentstream.client.gap.difference")
                - ServerStatus.timerCount(before, "agentstream.client.gap.difference"));
    }

    private static long counted(JsonObject before, JsonObject after, String name) {
        return ServerStatus.counter(after, name) - ServerStatus.counter(before, name);
    }

    /**
     * The same through a browser: the chat page reached through the buffering proxy gets each reply in one burst, its
     * JavaScript client reports so, and an admin's dashboard, open meanwhile, shows all of those replies batched.
     */
    @Test
    void theDashboardShowsTheRepliesOfABrowserBehindTheProxyArrivingBatched() throws Exception {
        try (HeadlessChromium adminsBrowser = HeadlessChromium.start();
                HeadlessChromium usersBrowser = HeadlessChromium.start();
                ConnectionRelay proxy = ConnectionRelay.to(base)) {
            DashboardPage dashboard = new DashboardPage(adminsBrowser.driver(), WAIT).signIn(base, BuildUsers.ADMIN);
            ChatPage page = new ChatPage(usersBrowser.driver(), WAIT).open(proxy.relayed(base), "echo");
            for (int i = 0; i < REPLIES; i++) {
                proxy.holdFromServer();
                long ended = ServerStatus.counter(ServerStatus.figures(base), "agentstream.replies");
                page.send("echo", TWENTY_WORDS);
                ServerStatus.awaitCounter(base, "agentstream.replies", ended + 1, WAIT); // the server sent it whole
                assertTrue(proxy.release() > 0, "the proxy held the reply");
                page.awaitLastReply("complete");
            }
            dashboard.until(d -> dashboard.text("batched-now").startsWith("100% of " + REPLIES + " reported replies"),
                    "every reply the browser reported, counted batched");
            adminsBrowser.driver().manage().window().setSize(new Dimension(1000, 1300));
            System.out.println("[buffering proxy] dashboard: " + adminsBrowser.screenshot("dashboard-batched.png"));
        }
    }
}
