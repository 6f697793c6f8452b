package org.agentstream.testing.clients;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.agentstream.testing.fixtures.BuildTlsKey;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.TestUrls;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Signs a user in through the application's form sign-in, as a browser does (the protected {@code /signin}, the
 * form's post to {@code j_security_check}), and gives the session's cookies for the chat's handshake and for
 * {@code /status}. A session is kept per application and user until {@link #forget()} (a server restart ends it).
 * {@link #inBrowser} signs in through the same form in a browser.
 */
public final class SignIn {

    private static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();

    private SignIn() {
    }

    /** The {@code Cookie} header of a session of {@code user}, signed in with the password the build made. */
    public static String cookie(URL base, String user) throws IOException {
        String key = base + " " + user;
        String known = SESSIONS.get(key);
        if (known != null) {
            return known;
        }
        String made = signIn(base, user, BuildUsers.passwordOf(user));
        SESSIONS.put(key, made);
        return made;
    }

    /** The handshake headers of a connection of {@code user}. */
    public static Map<String, List<String>> as(URL base, String user) throws IOException {
        return Map.of("Cookie", List.of(cookie(base, user)));
    }

    /** Forgets every session (after a server restart, which ends them). */
    public static void forget() {
        SESSIONS.clear();
    }

    /**
     * Signs in with {@code password}: the cookies of the signed-in session, or an IOException saying what the
     * server answered instead (a wrong password lands on the form's error page).
     */
    public static String signIn(URL base, String user, String password) throws IOException {
        return signedIn(base, user, password).stream().map(HttpCookie::toString).collect(Collectors.joining("; "));
    }

    /**
     * Signs in as {@link #signIn} does: every cookie the server set on the way, with the attributes it set them with
     * ({@code Secure}, {@code HttpOnly}). Over https the client trusts the build's key alone
     * ({@link BuildTlsKey#trusted()}).
     */
    public static List<HttpCookie> signedIn(URL base, String user, String password) throws IOException {
        CookieManager cookies = new CookieManager();
        HttpClient.Builder client = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10));
        if ("https".equals(base.getProtocol())) {
            client.sslContext(BuildTlsKey.trusted());
        }
        HttpClient http = client.build();
        try {
            HttpResponse<String> form = http.send(get(TestUrls.resolve(base, "signin")),
                    HttpResponse.BodyHandlers.ofString());
            if (!form.body().contains("j_security_check")) {
                throw new IOException("/signin did not show the sign-in form: " + form.statusCode() + " "
                        + form.body());
            }
            HttpResponse<String> signedIn = http.send(form(base, user, password).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonObject account = account(http, base);
            if (!user.equals(account.getString("user", null))) {
                throw new IOException("not signed in as " + user + ": " + signedIn.statusCode() + " "
                        + signedIn.uri() + "; /account says " + account);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return cookies.getCookieStore().get(TestUrls.resolve(base, ""));
    }

    /**
     * Opens {@code url} in the browser while nobody is signed in there, which shows the server's sign-in form (a
     * protected address, or a page that goes to the form), signs in as {@code user} with the password the build made,
     * and waits until the form is gone and the page it returns to shows {@code shown}.
     */
    public static void inBrowser(WebDriver driver, Duration timeout, String url, String user, By shown) {
        driver.get(url);
        awaitForm(driver, timeout);
        driver.findElement(By.id("j_username")).sendKeys(user);
        driver.findElement(By.id("j_password")).sendKeys(BuildUsers.passwordOf(user));
        WebElement form = driver.findElement(By.id("j_username"));
        driver.findElement(By.id("sign-in")).click();
        // the form's post and its redirect back are over before anything else asks the browser for a page
        new WebDriverWait(driver, timeout).ignoring(WebDriverException.class).until(ExpectedConditions.and(
                ExpectedConditions.stalenessOf(form), ExpectedConditions.presenceOfElementLocated(shown)));
    }

    /** Waits until the browser shows the server's sign-in form. */
    public static void awaitForm(WebDriver driver, Duration timeout) {
        // a page may go to the form by itself: a look that a navigation aborts looks again
        Wait<WebDriver> navigating = new WebDriverWait(driver, timeout).ignoring(WebDriverException.class);
        navigating.until(ExpectedConditions.presenceOfElementLocated(By.id("j_username")));
    }

    /** What the server answered one sign-in attempt (status, {@code Retry-After}, page), and who it signed in. */
    public record Attempt(int status, Optional<String> retryAfter, String page, String user) {
    }

    /**
     * One sign-in attempt as a browser makes it, in a session of its own: the form at {@code /signin}, then the post
     * to {@code j_security_check} with {@code headers} added (name, value, ...), whose answer is returned as it came
     * (no redirect followed), with the user {@code /account} then says is signed in (null: nobody).
     */
    public static Attempt attempt(URL base, String user, String password, String... headers) throws IOException {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            http.send(get(TestUrls.resolve(base, "signin")), HttpResponse.BodyHandlers.discarding());
            HttpRequest.Builder post = form(base, user, password);
            if (headers.length > 0) {
                post.headers(headers);
            }
            HttpResponse<String> answer = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            JsonObject account = account(http, base);
            return new Attempt(answer.statusCode(), answer.headers().firstValue("Retry-After"), answer.body(),
                    account.isNull("user") ? null : account.getString("user"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static HttpRequest.Builder form(URL base, String user, String password) {
        String fields = "j_username=" + encode(user) + "&j_password=" + encode(password);
        return HttpRequest.newBuilder(TestUrls.resolve(base, "j_security_check")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(fields));
    }

    /**
     * Signs the session of {@code cookie} out, as the page's sign-out button does ({@code POST /signout}, which
     * closes the user's chat connections and ends the session); the status the server answered (302 when it did).
     */
    public static int signOut(URL base, String cookie) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            return http.send(HttpRequest.newBuilder(TestUrls.resolve(base, "signout")).header("Cookie", cookie)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonObject account(HttpClient http, URL base) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(get(TestUrls.resolve(base, "account")),
                HttpResponse.BodyHandlers.ofString());
        try {
            return Json.createReader(new StringReader(response.body())).readObject();
        } catch (JsonException notJson) {
            // a server that stops or starts answers with its own HTML page
            throw new IOException("/account answered " + response.statusCode() + " without JSON: "
                    + response.body().substring(0, Math.min(200, response.body().length())), notJson);
        }
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
