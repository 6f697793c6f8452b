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
import java.util.Objects;

/**
 * Payara's asadmin commands ({@code set-config-property}, {@code delete-config-property}), run in the Payara Micro
 * under test by the test deployment's {@code /test-admin/asadmin} servlet.
 */
final class PayaraAdmin implements ServerAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** How long a changed setting may take to apply (the application looks settings up at most once a second). */
    private static final Duration APPLIES_WITHIN = Duration.ofSeconds(10);

    private final URI endpoint;
    private final URI settingProbe;

    PayaraAdmin(URL base) {
        this.endpoint = TestUrls.resolve(base, "test-admin/asadmin");
        this.settingProbe = TestUrls.resolve(base, "test-support/setting");
    }

    /** asadmin set-config-property --source=domain (console: Configurations > MicroProfile > Config). */
    @Override
    public void setSetting(String name, String value) throws IOException {
        asadmin("set-config-property", "--source=domain", "--propertyName=" + name, "--propertyValue=" + value);
        awaitApplied(name, value);
    }

    /** asadmin delete-config-property --source=domain; a property that is not set is not an error. */
    @Override
    public void removeSetting(String name) throws IOException {
        asadmin("delete-config-property", "--source=domain", "--propertyName=" + name);
        awaitApplied(name, null);
    }

    /** Waits, at most {@link #APPLIES_WITHIN}, until the application reads {@code value} (null: no value). */
    private void awaitApplied(String name, String value) throws IOException {
        String expected = value == null || value.strip().isEmpty() ? null : value.strip();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(settingProbe + "?name=" + encode(name)))
                .timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + APPLIES_WITHIN.toNanos();
        String seen = null;
        do {
            try {
                HttpResponse<String> response = HTTP.send(probe, HttpResponse.BodyHandlers.ofString());
                seen = response.statusCode() == 204 ? null : response.body();
                if (response.statusCode() / 100 == 2 && Objects.equals(seen, expected)) {
                    return;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } while (System.nanoTime() < deadline);
        throw new IOException("setting " + name + " still reads " + seen + ", not " + expected + ", after "
                + APPLIES_WITHIN);
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
