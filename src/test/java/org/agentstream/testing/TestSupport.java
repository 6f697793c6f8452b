package org.agentstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Calls the test deployment's own servlets (package {@code testsupport}) from the test. */
public final class TestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestSupport() {
    }

    /** Lets every reply the {@code held} agent is holding go on to its end; returns how many it released. */
    public static int releaseHeldReplies(URL base) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(TestUrls.resolve(base, "test-support/release-held"))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Integer.parseInt(response.body().strip());
    }

    /**
     * Waits, bounded, until the server no longer holds a reply for resuming (its window after its end is over),
     * asking {@code testsupport/ResumableProbeServlet} every 100 ms: the server has no wait of its own for this.
     */
    public static void awaitNotResumable(URL base, String messageId, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(TestUrls.resolve(base, "test-support/resumable?messageId="
                + URLEncoder.encode(messageId, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(60)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String held;
        do {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            held = response.body().strip();
            if (held.equals("true")) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        } while (held.equals("true") && System.nanoTime() < deadline);
        assertEquals("false", held, "reply " + messageId + " is still held for resuming after " + timeout);
    }

    /**
     * Waits, at most {@code within}, until the application reads {@code value} for setting {@code name} (null or
     * blank: no value), asking {@code testsupport/SettingProbeServlet}: a setting from another source than a system
     * property is read again at most once a second, so a change made in a console or with asadmin takes a moment.
     */
    public static void awaitSetting(URL base, String name, String value, Duration within) throws IOException {
        String expected = value == null || value.strip().isEmpty() ? null : value.strip();
        HttpRequest probe = HttpRequest.newBuilder(TestUrls.resolve(base, "test-support/setting?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + within.toNanos();
        String seen = null;
        do {
            try {
                HttpResponse<String> response = HTTP.send(probe, HttpResponse.BodyHandlers.ofString());
                seen = response.statusCode() == 204 ? null : response.body();
                if (response.statusCode() / 100 == 2 && java.util.Objects.equals(seen, expected)) {
                    return;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } while (System.nanoTime() < deadline);
        throw new IOException("setting " + name + " still reads " + seen + ", not " + expected + ", after " + within);
    }

    /**
     * Calls the history probe ({@code testsupport/HistoryProbeServlet}): POST (parameters as a UTF-8 form) stores a
     * message and its reply, GET (parameters in the query) reads a conversation back.
     */
    public static HttpResponse<String> historyProbe(URL base, String method, Map<String, String> parameters)
            throws IOException, InterruptedException {
        String form = parameters.entrySet().stream()
                .map(p -> p.getKey() + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        boolean post = method.equals("POST");
        String path = "test-support/history" + (post ? "" : "?" + form);
        HttpRequest request = HttpRequest.newBuilder(TestUrls.resolve(base, path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .method(method, post ? HttpRequest.BodyPublishers.ofString(form) : HttpRequest.BodyPublishers.noBody())
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
