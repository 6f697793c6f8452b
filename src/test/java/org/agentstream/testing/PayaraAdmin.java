package org.agentstream.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Payara's asadmin commands ({@code create-system-properties}, {@code delete-system-property}, {@code set}), run
 * in the Payara Micro under test by the test deployment's {@code /test-admin/asadmin} servlet.
 */
final class PayaraAdmin implements ServerAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI endpoint;

    PayaraAdmin(URL base) {
        this.endpoint = TestUrls.resolve(base, "test-admin/asadmin");
    }

    /** asadmin create-system-properties NAME=VALUE (a ':' in the value is escaped, as asadmin wants). */
    @Override
    public void setSystemProperty(String name, String value) throws IOException {
        asadmin("create-system-properties", name + "=" + value.replace("\\", "\\\\").replace(":", "\\:"));
    }

    /** asadmin delete-system-property NAME; a property that is not set is not an error. */
    @Override
    public void removeSystemProperty(String name) throws IOException {
        try {
            asadmin("delete-system-property", name);
        } catch (IOException notSet) {
            if (!notSet.getMessage().contains("doesn't exist") && !notSet.getMessage().contains("does not exist")) {
                throw notSet;
            }
        }
    }

    String asadmin(String command, String... arguments) throws IOException {
        StringBuilder form = new StringBuilder("command=").append(encode(command));
        for (String argument : arguments) {
            form.append("&argument=").append(encode(argument));
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("asadmin " + command + " failed: " + response.body());
        }
        return response.body();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
