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

/** Reads the application's {@code /status} counters, optionally after waiting for no reply to stream. */
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

    /** The CPU time the server's threads used over a measurement window, and the window's real length. */
    public record CpuWindow(long cpuNanos, long wallNanos) {

        /** False when the server does not give its threads' CPU time. */
        public boolean measured() {
            return cpuNanos >= 0;
        }

        /** The CPU time used per second of window, in milliseconds. */
        public double cpuMsPerSecond() {
            return cpuNanos / 1e6 * 1e9 / wallNanos;
        }

        @Override
        public String toString() {
            return measured() ? String.format(Locale.ROOT, "%.1f ms CPU over %.0f ms", cpuNanos / 1e6, wallNanos / 1e6)
                    : "not measured (no threadCpuNanos in /status)";
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
        return new CpuWindow(before < 0 || after < 0 ? -1 : after - before, wall);
    }

    private static JsonObject get(URL base, String path) throws IOException, InterruptedException {
        URI uri = TestUrls.resolve(base, path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
