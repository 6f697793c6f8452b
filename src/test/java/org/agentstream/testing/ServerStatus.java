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

    private static JsonObject get(URL base, String path) throws IOException, InterruptedException {
        URI uri = TestUrls.resolve(base, path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
