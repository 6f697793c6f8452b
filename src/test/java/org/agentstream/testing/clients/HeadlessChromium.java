package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium from the Debian packages ({@code apt-get install -y chromium chromium-driver}), driven
 * through the Debian chromedriver. Both paths are given to Selenium, so Selenium Manager is never run and nothing
 * is downloaded at test time. Each browser gets a fresh profile directory, removed on close.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Keeps each Content-Security-Policy violation of the page, as "directive: what it blocked", in a list. */
    private static final String RECORD_POLICY_VIOLATIONS = """
            window.__policyViolations = [];
            document.addEventListener('securitypolicyviolation', (violation) =>
              window.__policyViolations.push(violation.effectiveDirective + ': ' + violation.blockedURI));
            """;

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    public static HeadlessChromium start() throws IOException {
        return start(List.of());
    }

    /**
     * A browser that takes the key of {@code publicKeyPin} (the base64 SHA-256 of its SubjectPublicKeyInfo, such as
     * {@code BuildTlsKey.publicKeyPin()}) for the sites that serve it, although no authority signed it; every other
     * certificate is checked as usual (Chromium's {@code --ignore-certificate-errors-spki-list}).
     */
    public static HeadlessChromium trusting(String publicKeyPin) throws IOException {
        return start(List.of("--ignore-certificate-errors-spki-list=" + publicKeyPin));
    }

    private static HeadlessChromium start(List<String> arguments) throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                        + ": apt-get install -y chromium chromium-driver");
        Path profile = Files.createTempDirectory("agent-stream-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1000,1000");
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new HeadlessChromium(profile, service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * From the next page loaded on, records in each page the Content-Security-Policy violations the browser
     * reports (its {@code securitypolicyviolation} events), from before the page's first script runs;
     * {@link #policyViolations()} reads those of the page shown. Scripts run from a test are not bound by the
     * policy, but what they put in the page is.
     */
    public void recordPolicyViolations() {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_POLICY_VIOLATIONS));
    }

    /**
     * The policy violations of the page shown, oldest first ("script-src-elem: inline"), or null when the page was
     * loaded before {@link #recordPolicyViolations()}.
     */
    @SuppressWarnings("unchecked")
    public List<String> policyViolations() {
        return (List<String>) driver.executeScript("return window.__policyViolations || null;");
    }

    /**
     * Saves a PNG of the window as {@code name} in the directory named by {@code -Dit.screenshots.dir}
     * ({@code target/screenshots} by default; {@code docs} refreshes the pictures the repository keeps).
     */
    public Path screenshot(String name) throws IOException {
        Path directory = Path.of(System.getProperty("it.screenshots.dir", "target/screenshots"));
        Files.createDirectories(directory);
        File taken = driver.getScreenshotAs(OutputType.FILE);
        Path target = directory.resolve(name);
        Files.copy(taken.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
