package org.agentstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.DashboardPage;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.TestUrls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The chat-admin dashboard in a real headless Chromium against a real server: what it draws while replies stream
 * and errors are sent, its arithmetic on the figures, and who may see it.
 */
class DashboardIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** An interval's numbers with some replies completed. */
    private static final Pattern SOME_COMPLETE = Pattern.compile("complete /s: (?!0,)");

    private HeadlessChromium browser;
    private DashboardPage dashboard;

    @BeforeEach
    void startBrowser() throws Exception {
        browser = HeadlessChromium.start();
        browser.recordPolicyViolations();
        dashboard = new DashboardPage(browser.driver(), WAIT);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * An admin signs in and watches: three echo replies (their clients reporting how they arrived), one bad frame, a
     * model-like reply and a cancelled one show within a read or two as bars of complete replies, with their numbers
     * on hover, first chunk and send gap percentiles, a batched fraction of three reports and a bad_frame error; all
     * under the pages' policy.
     */
    @Test
    void theDashboardShowsRepliesTimingsAndErrorsAsTheyHappen() throws Exception {
        dashboard.signIn(base, BuildUsers.ADMIN);
        try (ChatClient client = ChatClient.connect(base)) {
            for (int i = 0; i < 3; i++) {
                client.ask("m" + i, "echo", Conversations.words(12));
                ChatClient.Reply reply = client.reply("m" + i, WAIT);
                assertEquals("complete", reply.status(), () -> reply.end().json().toString());
                ChatClient.Frame recorded = client.reportTiming("t" + i, reply, WAIT);
                assertEquals("timing_recorded", recorded.type(), recorded.json().toString());
            }
            client.send("not json");
            ChatClient.Frame error = client.next("error", WAIT);
            assertEquals("bad_frame", error.text("code"), error.json().toString());
            // for the picture: a model-like reply that streams for two seconds or so, and one cancelled
            client.ask("model", "simulated-model", "a reply like a language model's");
            assertEquals("complete", client.reply("model", WAIT).status());
            client.ask("held", "held", Conversations.words(150));
            String held = client.next("stream_start", WAIT).text("messageId");
            client.next("chunk", WAIT);
            client.cancel(held);
            ChatClient.Frame end = client.next("stream_end", WAIT);
            assertEquals("cancelled", end.text("status"), end.json().toString());
        }

        dashboard.until(d -> dashboard.count("replies-chart", "rect.bar.complete") > 0,
                "a bar of complete replies");
        assertTrue(dashboard.hoverTitles("replies-chart").stream().anyMatch(t -> SOME_COMPLETE.matcher(t).find()),
                "an interval's numbers say replies completed: " + dashboard.hoverTitles("replies-chart"));
        dashboard.until(d -> dashboard.text("errors-legend").contains("bad_frame"), "bad_frame in the errors' legend");
        assertTrue(dashboard.count("errors-chart", "rect.bar") > 0, "a bar of errors");
        assertTrue(dashboard.text("errors-now").contains("bad_frame: 1"), dashboard.text("errors-now"));
        dashboard.until(d -> dashboard.text("first-chunk-now").matches("p50 ≤ [0-9.]+ m?s, p99 .* of 5 in .*"),
                "the first chunk's p50 of five replies");
        dashboard.until(d -> dashboard.text("send-gap-now").matches("p50 ≤ [0-9.]+ m?s, p99 .* of [0-9]+ in .*"),
                "the send gap's p50");
        dashboard.until(d -> dashboard.text("batched-now").matches("[0-9.]+% of 3 reported replies in .*"),
                "the batched fraction of three reports");
        assertEquals(1, dashboard.count("send-gap-chart", "line.guide.pace"), "the 10 ms pace is drawn");
        assertEquals(1, dashboard.count("batched-chart", "line.guide.alert"), "the 5% alert line is drawn");
        assertFalse(browser.driver().findElement(By.id("members")).isDisplayed(), "one server: no members table");

        dashboard.hoverOver("replies-chart", SOME_COMPLETE.pattern());
        dashboard.until(d -> SOME_COMPLETE.matcher(dashboard.text("replies-readout")).find(),
                "the hovered interval's numbers in the readout");
        browser.driver().manage().window().setSize(new Dimension(1000, 1300)); // every chart in the picture
        System.out.println("[browser] dashboard: " + browser.screenshot("dashboard.png"));
        assertEquals(List.of(), browser.policyViolations(), "the dashboard needs nothing the policy refuses");
    }

    /** While /admin/figures does not answer the page says so and goes on asking; it is live again once answered. */
    @Test
    void theDashboardSaysWhenTheServerDoesNotAnswerAndGoesOnAsking() {
        dashboard.signIn(base, BuildUsers.ADMIN);
        dashboard.script("window.__fetch = window.fetch;"
                + " window.fetch = () => Promise.reject(new TypeError('refused by the test'));");
        dashboard.awaitPoll("reconnecting");
        assertTrue(dashboard.text("poll").startsWith("Not answering since"), dashboard.text("poll"));
        dashboard.script("window.fetch = window.__fetch;");
        dashboard.awaitPoll("open");
        assertTrue(dashboard.text("poll").startsWith("Live: "), dashboard.text("poll"));
    }

    /** The chat page shows a chat-admin a link to the dashboard next to their name. */
    @Test
    void theChatPageLinksAnAdminToTheDashboard() {
        dashboard.signIn(base, BuildUsers.ADMIN);
        browser.driver().get(TestUrls.resolve(base, "").toString()); // the host the sign-in was on
        dashboard.until(d -> d.findElements(By.id("dashboard-link")).size() == 1, "the link on the chat page");
        browser.driver().findElement(By.id("dashboard-link")).click();
        dashboard.awaitPoll("open");
    }

    /**
     * The page's arithmetic, run in the browser on figures made up here: counters and bucket counts summed over
     * agents and differenced, percentiles as bucket bounds, a count that went down read as a restart, another node's
     * figures not differenced, the batched fraction and its "no reports", the five-minute window and the time the
     * charts span.
     */
    @Test
    void theFiguresAreDifferencedSummedAndReadAsPercentiles() {
        dashboard.signIn(base, BuildUsers.ADMIN);
        @SuppressWarnings("unchecked")
        Map<String, Object> results = (Map<String, Object>) dashboard.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('../js/dashboard-figures.js', location.href)).then((f) => {
                  const bounds = [1, 2, 5, 10, 11, 20];
                  const timer = (agent, counts) => ({ name: 'agentstream.reply.send.gap', tags: { agent },
                    count: counts.reduce((a, b) => a + b, 0), sumMs: 0, counts });
                  const read = (at, node, complete, gaps, reports, batched) => ({ bucketsMs: bounds, at, node,
                    members: [], gauges: [{ name: 'agentstream.replies.active', value: 2 }],
                    counters: [
                      { name: 'agentstream.replies', tags: { agent: 'echo', status: 'complete' }, value: complete },
                      { name: 'agentstream.replies', tags: { agent: 'recall', status: 'complete' }, value: complete },
                      { name: 'agentstream.replies', tags: { agent: 'echo', status: 'failed' }, value: 0 },
                      { name: 'agentstream.errors', tags: { code: 'bad_frame' }, value: complete },
                      { name: 'agentstream.errors', tags: { code: 'busy' }, value: 0 },
                      { name: 'agentstream.client.reports', tags: {}, value: reports },
                      { name: 'agentstream.client.batched', tags: {}, value: batched }],
                    timers: [timer('echo', gaps), timer('recall', gaps)] });
                  const a = read(1000, 'n', 2, [0, 0, 0, 1, 5, 0, 0], 0, 0);
                  const b = read(2000, 'n', 5, [0, 0, 0, 1, 9, 1, 0], 4, 1);
                  const c = read(3000, 'n', 1, [0, 0, 0, 0, 2, 0, 0], 0, 0);
                  const ab = f.difference(a, b);
                  const bc = f.difference(b, c);
                  const old = { ...ab, at: 3000 - f.WINDOW_MS };
                  const kept = f.keepWindow([old, ab], bc, 3000);
                  const summary = f.timerSummary(kept, 'sendGap');
                  done({
                    first: String(f.difference(null, a)),
                    otherNode: String(f.difference(b, read(3000, 'm', 9, [0, 0, 0, 0, 0, 0, 9], 0, 0))),
                    seconds: ab.seconds, restarted: String([ab.restarted, bc.restarted]),
                    replies: JSON.stringify(ab.replies), errors: JSON.stringify(ab.errors),
                    sendGap: String(ab.sendGap), restartedGap: String(bc.sendGap),
                    restartedReplies: JSON.stringify(bc.replies), active: ab.active,
                    fraction: f.formatFraction(f.batchedFraction(ab.reports, ab.batched)),
                    noReports: f.formatFraction(f.batchedFraction(bc.reports, bc.batched)),
                    p50: f.bucketPercentile(bounds, ab.sendGap, 50), p99: f.bucketPercentile(bounds, ab.sendGap, 99),
                    past: f.formatBound(f.bucketPercentile(bounds, [0, 0, 0, 0, 0, 0, 1], 50), bounds),
                    none: f.formatBound(f.bucketPercentile(bounds, [0, 0, 0, 0, 0, 0, 0], 50), bounds),
                    kept: kept.length, summary: `${summary.count} ${summary.p50} ${summary.p99}`,
                    spans: String([f.shownSpan(kept, 3000), f.shownSpan([{ ...ab, at: 3000 - 90000 }], 3000),
                      f.shownSpan([old], 3000 + f.WINDOW_MS)]),
                  });
                }, (failure) => done({ failure: String(failure) }));
                """);
        assertEquals("null", results.get("first"), "the first read has nothing to compare: " + results);
        assertEquals("null", results.get("otherNode"), "another node's figures are not differenced");
        assertEquals(1L, ((Number) results.get("seconds")).longValue());
        assertEquals("false,true", results.get("restarted"), "counts that went down: a restart");
        assertEquals("{\"complete\":6,\"failed\":0}", results.get("replies"), "summed over agents, by status");
        assertEquals("{\"bad_frame\":3}", results.get("errors"), "codes with errors only");
        assertEquals("0,0,0,0,8,2,0", results.get("sendGap"), "bucket counts differenced and summed over agents");
        assertEquals("0,0,0,0,4,0,0", results.get("restartedGap"), "after a restart, the counts since it");
        assertEquals("{\"complete\":2,\"failed\":0}", results.get("restartedReplies"));
        assertEquals(2L, ((Number) results.get("active")).longValue(), "a gauge is read as it is");
        assertEquals("25%", results.get("fraction"), "1 of 4 reports batched");
        assertEquals("no reports", results.get("noReports"));
        assertEquals(11L, ((Number) results.get("p50")).longValue(), "the 5th of 10 took at most 11 ms");
        assertEquals(20L, ((Number) results.get("p99")).longValue(), "the 10th took at most 20 ms");
        assertEquals("> 20 ms", results.get("past"), "past every bound");
        assertEquals("none", results.get("none"));
        assertEquals(2L, ((Number) results.get("kept")).longValue(), "an interval older than the window is dropped");
        assertEquals("14 11 20", results.get("summary"), "the window's gaps together: 10 + 4, p50 and p99");
        assertEquals("60000,91000,300000", results.get("spans"), "charts span a minute at least, five at most");
    }

    /**
     * The dashboard, like /status, is for chat-admin: nobody signed in gets the sign-in form (at /signin, where its
     * relative addresses work), a chat-user is refused (403), page and figures alike.
     */
    @Test
    void theDashboardIsForChatAdminsOnly() throws Exception {
        for (String path : List.of(DashboardPage.PATH, "admin/figures")) {
            HttpResponse<String> nobody = get(path, null);
            assertTrue(nobody.body().contains("j_security_check"), path + ": the sign-in form, " + nobody.body());
            assertTrue(nobody.uri().getPath().endsWith("/signin"), path + ": the form at " + nobody.uri());
            assertEquals(403, get(path, SignIn.cookie(base, BuildUsers.ALICE)).statusCode(), path + ": a chat-user");
            HttpResponse<String> admin = get(path, SignIn.cookie(base, BuildUsers.ADMIN));
            assertEquals(200, admin.statusCode(), path + ": " + admin.body());
        }
        assertTrue(get("admin/figures", SignIn.cookie(base, BuildUsers.ADMIN)).body().contains("\"bucketsMs\""));
    }

    private HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(TestUrls.resolve(base, path)).timeout(WAIT);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
