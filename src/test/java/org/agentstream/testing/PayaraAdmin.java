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
 * Payara's asadmin commands ({@code set-config-property}, {@code delete-config-property}), run in the Payara Micro
 * under test by the test deployment's {@code /test-admin/asadmin} servlet.
 */
final class PayaraAdmin implements ServerAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI endpoint;

    PayaraAdmin(URL base) {
        this.endpoint = TestUrls.resolve(base, "test-admin/asadmin");
    }

    /** asadmin set-config-property --source=domain (console: Configurations > MicroProfile > Config). */
    @Override
    public void setSetting(String name, String value) throws IOException {
        asadmin("set-config-property", "--source=domain", "--propertyName=" + name, "--propertyValue=" + value);
    }

    /** asadmin delete-config-property --source=domain; a property that is not set is not an error. */
    @Override
    public void removeSetting(String name) throws IOException {
        asadmin("delete-config-property", "--source=domain", "--propertyName=" + name);
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
