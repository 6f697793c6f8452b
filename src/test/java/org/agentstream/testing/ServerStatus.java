package org.agentstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads the application's {@code /status} counters, optionally after waiting for no reply to stream, signed in as
 * the build's {@code it-admin} (role {@code chat-admin}).
 */
public final class ServerStatus {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServerStatus() {
    }

    public static JsonObject read(URL base) throws IOException, InterruptedException {
        return get(base, "status");
    }

    /** Waits at most {@code timeout} on the server until no reply streams; the answer's "idle" says if it did. */
    public static JsonObject awaitIdle(URL base, Duration timeout) throws IOException, InterruptedException {
        return get(base, "status?awaitIdleMs=" + timeout.toMillis());
    }

    /** The summed CPU time of the server's live threads, {@code threadCpuNanos}; -1 when /status does not give it. */
    public static long threadCpuNanos(URL base) throws IOException, InterruptedException {
        JsonObject status = read(base);
        return status.containsKey("threadCpuNanos") ? status.getJsonNumber("threadCpuNanos").longValueExact() : -1;
    }

    /**
     * The CPU time the server's threads used over a measurement window, and the window's real length. The sum
     * covers live threads only, so a thread that ends inside the window takes its CPU time out of the second
     * reading: such a window is not conclusive (an executor's idle threads end after their keep-alive).
     */
    public record CpuWindow(long cpuNanos, long wallNanos, boolean given) {

        /** True when the server gives its threads' CPU time at all. */
        public boolean measured() {
            return given;
        }

        /** True when the window is measured and no thread's CPU time left the sum inside it. */
        public boolean conclusive() {
            return given && cpuNanos >= 0;
        }

        /** The CPU time used per second of window, in milliseconds. */
        public double cpuMsPerSecond() {
            return cpuNanos / 1e6 * 1e9 / wallNanos;
        }

        @Override
        public String toString() {
            if (!given) {
                return "not measured (no threadCpuNanos in /status)";
            }
            return conclusive()
                    ? String.format(Locale.ROOT, "%.1f ms CPU over %.0f ms", cpuNanos / 1e6, wallNanos / 1e6)
                    : String.format(Locale.ROOT, "not conclusive over %.0f ms (a thread ended)", wallNanos / 1e6);
        }
    }

    /**
     * Reads {@code threadCpuNanos} at the start and the end of a window of {@code length}: the sleep is the
     * measurement window itself, not a wait for something to happen.
     */
    public static CpuWindow threadCpuOver(URL base, Duration length) throws IOException, InterruptedException {
        long before = threadCpuNanos(base);
        long start = System.nanoTime();
        Thread.sleep(length.toMillis());
        long after = threadCpuNanos(base);
        long wall = System.nanoTime() - start;
        return new CpuWindow(after - before, wall, before >= 0 && after >= 0);
    }

    private static JsonObject get(URL base, String path) throws IOException, InterruptedException {
        URI uri = TestUrls.resolve(base, path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Cookie", SignIn.cookie(base, BuildUsers.ADMIN)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
