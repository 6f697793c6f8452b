package org.agentstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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
}
