package org.agentstream.config;

import static org.agentstream.testing.clients.GapAnalysis.min;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An admin changes a setting in the server's own admin console, in a real browser, as docs/configuration.md says:
 * WildFly's HAL (Configuration › System Properties, signed in as the build's management user) or Payara Server's
 * console (Configurations › server-config › MicroProfile › Config › Property, signed in as admin). The next reply is
 * paced by the new value; the value is then set back through the console the same way.
 */
class ConsoleIT extends DeployedApp {

    private static final String PAUSE = "agentstream.stream.pause-ms";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The first page of a console after its server started: Payara's console application loads on first use. */
    private static final Duration FIRST_PAGE = Duration.ofMinutes(3);

    @Test
    void aPauseChangedInTheAdminConsoleAppliesToTheNextReply() throws Exception {
        boolean payara = "payara".equals(System.getProperty("it.server", "wildfly"));
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(PAUSE, "10"); // as server-config sets it: another IT may have removed it
        }
        try (HeadlessChromium browser = HeadlessChromium.start(); ChatClient client = ChatClient.connect(base)) {
            Console console = payara ? new PayaraConsole(browser.driver()) : new HalConsole(browser.driver());
            console.signIn();
            System.out.println("[console] the application's settings: " + browser.screenshot(payara
                    ? "console-payara.png" : "console-wildfly.png"));
            String before = console.value(PAUSE);
            double[] byDefault = client.echoSendGaps("default", WAIT);
            double[] changed;
            try {
                console.set(PAUSE, "35");
                TestSupport.awaitSetting(base, PAUSE, "35", WAIT);
                changed = client.echoSendGaps("changed", WAIT);
            } finally {
                console.set(PAUSE, before);
            }
            TestSupport.awaitSetting(base, PAUSE, "10", WAIT);
            double[] restored = client.echoSendGaps("restored", WAIT);

            System.out.printf(Locale.ROOT, "[console] %s: %s was %s; smallest send gap: before %.2f ms, set to 35 in "
                    + "the console %.2f ms, set back %.2f ms%n", payara ? "Payara Server" : "WildFly", PAUSE, before,
                    min(byDefault), min(changed), min(restored));
            assertTrue(min(changed) >= 34.99, "the next reply after the console's change is paced 35 ms: "
                    + Arrays.toString(changed));
            assertTrue(min(restored) >= 9.99 && GapAnalysis.percentile(restored, 50) < 30,
                    "set back in the console, the pause is 10 ms again: " + Arrays.toString(restored));
        }
    }

    /** What the test does in a console: sign in (and show the settings), read a setting, set it. */
    private interface Console {
        void signIn();

        String value(String setting);

        void set(String setting, String value);
    }

    /**
     * WildFly's HAL at {@code :9990/console}. Its management API asks for HTTP Digest authentication, which a user
     * answers in the browser's dialog; here the browser first opens the management API with the build's management
     * user in the address (a headless browser has no dialog), and the console's own calls reuse that sign-in.
     */
    private static final class HalConsole implements Console {
        private final WebDriver driver;
        private final WebDriverWait wait;
        private final String console;

        HalConsole(WebDriver driver) {
            this.driver = driver;
            this.wait = new WebDriverWait(driver, WAIT);
            int port = Integer.getInteger("it.management.port", 9990);
            this.console = "http://localhost:" + port + "/console/index.html";
        }

        @Override
        public void signIn() {
            int port = Integer.getInteger("it.management.port", 9990);
            driver.get("http://" + BuildUsers.CONSOLE_ADMIN + ":" + BuildUsers.passwordOf(BuildUsers.CONSOLE_ADMIN)
                    + "@localhost:" + port + "/management");
            driver.get(console + "#system-properties");
            new WebDriverWait(driver, FIRST_PAGE)
                    .until(ExpectedConditions.presenceOfElementLocated(By.id("system-property-table")));
        }

        private void select(String setting) {
            WebElement filter = driver.findElement(By.cssSelector("#system-property-table_wrapper input"));
            filter.clear();
            filter.sendKeys(setting);
            WebElement row = wait.until(ExpectedConditions.elementToBeClickable(By.xpath(
                    "//table[@id='system-property-table']/tbody/tr[td[normalize-space()='" + setting + "']]")));
            if (!row.getAttribute("class").contains("selected")) {
                row.findElement(By.tagName("td")).click();
            }
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("system-property-form-readonly")));
        }

        @Override
        public String value(String setting) {
            select(setting);
            return driver.findElement(By.id("system-property-form-value-readonly")).getText().strip();
        }

        @Override
        public void set(String setting, String value) {
            select(setting);
            driver.findElement(By.cssSelector("#system-property-form a[data-operation=edit]")).click();
            WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("system-property-form-value-editing")));
            input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            input.sendKeys(value, Keys.TAB);
            driver.findElement(By.cssSelector("#system-property-form-editing .form-buttons .btn-primary")).click();
            wait.until(ExpectedConditions.textToBe(By.id("system-property-form-value-readonly"), value));
        }
    }

    /** Payara Server's console at {@code :4848}, signed in with its own form as admin. */
    private static final class PayaraConsole implements Console {
        private static final String PROPERTIES = "http://localhost:4848/microprofile/microprofile/specs/configAPI/"
                + "propertyConfiguration.jsf?source=domain&configName=server-config";
        private final WebDriver driver;
        private final WebDriverWait wait;

        PayaraConsole(WebDriver driver) {
            this.driver = driver;
            this.wait = new WebDriverWait(driver, WAIT);
        }

        @Override
        public void signIn() {
            driver.get("http://localhost:4848/");
            WebDriverWait firstPage = new WebDriverWait(driver, FIRST_PAGE);
            firstPage.until(ExpectedConditions.presenceOfElementLocated(By.name("j_username")));
            driver.findElement(By.name("j_username")).sendKeys("admin");
            driver.findElement(By.name("j_password")).sendKeys(BuildUsers.passwordOf("payara-admin"));
            driver.findElement(By.id("loginButton")).click();
            firstPage.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Common Tasks"));
            valueOf(PAUSE);
        }

        private WebElement valueOf(String setting) {
            driver.get(PROPERTIES);
            return new WebDriverWait(driver, FIRST_PAGE).until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                    "//tr[.//input[contains(@id,':col2:col1St') and @value='" + setting + "']]"
                            + "//input[contains(@id,':col3:col1St')]")));
        }

        @Override
        public String value(String setting) {
            return valueOf(setting).getAttribute("value").strip();
        }

        @Override
        public void set(String setting, String value) {
            WebElement input = valueOf(setting);
            input.clear();
            input.sendKeys(value);
            driver.findElement(By.id("propertyForm:propertyContentPage:topButtons:saveButton")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"),
                    "New values successfully saved"));
        }
    }
}
