package org.agentstream.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Payara's asadmin commands ({@code set-config-property}, {@code delete-config-property}), sent to the admin
 * listener of the Payara Server under test the way the {@code asadmin} tool sends them ({@code /__asadmin/<command>}
 * on port 4848), as the admin user with the password the build made.
 */
final class PayaraAdmin implements ServerAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** How long a changed setting may take to apply (the application looks settings up at most once a second). */
    private static final Duration APPLIES_WITHIN = Duration.ofSeconds(10);

    private final URI adminListener;
    private final String authorization;
    private final URL base;
    private final URI status;

    PayaraAdmin(URL base) {
        this.adminListener = URI.create("http://localhost:" + System.getProperty("payara.adminPort", "4848")
                + "/__asadmin/");
        String password = BuildUsers.passwordOf(PayaraDomain.ADMIN);
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        this.base = base;
        this.status = TestUrls.resolve(base, "status");
    }

    /** asadmin restart-domain: a new JVM; done once the application answers /status from another process. */
    @Override
    public void restart(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long before = pid().orElseThrow(() -> new IOException("the application does not answer " + status));
        asadmin("restart-domain", Map.of());
        SignIn.forget();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pid().orElse(before) == before) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the application does not answer from a new process after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The process that answers /status, to a session signed in for the purpose (a restart ends every session);
     * empty while nothing does (the domain or the application is starting).
     */
    private OptionalLong pid() throws InterruptedException {
        try {
            String admin = SignIn.signIn(base, BuildUsers.ADMIN, BuildUsers.passwordOf(BuildUsers.ADMIN));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(status).header("Cookie", admin)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? OptionalLong.of(Json.createReader(
                    new StringReader(response.body())).readObject().getJsonNumber("pid").longValueExact())
                    : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** In the domain's data directory, where configure.asadmin's pool puts it (${com.sun.aas.instanceRoot}/data). */
    @Override
    public Path historyDatabase() {
        return Path.of(System.getProperty("payara.home"), "glassfish", "domains", System.getProperty("payara.domain"),
                "data", "agentstream.mv.db");
    }

    /** asadmin set-config-property --source=domain (console: Configurations > MicroProfile > Config). */
    @Override
    public void setSetting(String name, String value) throws IOException {
        asadmin("set-config-property", Map.of("source", "domain", "propertyName", name, "propertyValue", value));
        awaitApplied(name, value);
    }

    /** asadmin delete-config-property --source=domain; a property that is not set is not an error. */
    @Override
    public void removeSetting(String name) throws IOException {
        asadmin("delete-config-property", Map.of("source", "domain", "propertyName", name));
        awaitApplied(name, null);
    }

    private void awaitApplied(String name, String value) throws IOException {
        TestSupport.awaitSetting(base, name, value, APPLIES_WITHIN);
    }

    /** Runs one asadmin command on the domain; fails with the command's own message unless it succeeds. */
    void asadmin(String command, Map<String, String> parameters) throws IOException {
        String query = parameters.entrySet().stream().map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(adminListener.resolve(command + "?" + query))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonObject report = response.statusCode() == 200
                ? Json.createReader(new StringReader(response.body())).readObject() : null;
        if (report == null || !"SUCCESS".equals(report.getString("exit_code", null))) {
            throw new IOException("asadmin " + command + " failed (" + response.statusCode() + "): " + response.body());
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
