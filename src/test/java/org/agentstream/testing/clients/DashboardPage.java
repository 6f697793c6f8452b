package org.agentstream.testing.clients;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.agentstream.testing.fixtures.TestUrls;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat-admin dashboard ({@code admin/dashboard.html}) as an admin looks at it in a browser; every wait is bounded
 * and fails the test, with what the page showed, when it runs out.
 */
public final class DashboardPage {

    public static final String PATH = "admin/dashboard.html";

    private final WebDriver driver;
    private final Duration timeout;

    public DashboardPage(WebDriver driver, Duration timeout) {
        this.driver = driver;
        this.timeout = timeout;
    }

    /** Opens the dashboard, which is protected: signs in as {@code user} on the form, and waits until it reads. */
    public DashboardPage signIn(URL base, String user) {
        SignIn.inBrowser(driver, timeout, TestUrls.resolve(base, PATH).toString(), user, By.id("poll"));
        awaitPoll("open");
        return this;
    }

    /** Waits until the page's reading of the figures is in {@code state}: open (answered), reconnecting (not). */
    public void awaitPoll(String state) {
        until(ExpectedConditions.attributeToBe(By.id("poll"), "data-state", state), "the poll line " + state);
    }

    /** The text of the element {@code id} (a chart's figures, {@code replies-now}; its legend, its readout). */
    public String text(String id) {
        return (String) script("return document.getElementById(arguments[0]).textContent;", id);
    }

    /** How many elements of a chart match {@code selector}: {@code count("replies-chart", "rect.bar.complete")}. */
    public long count(String chart, String selector) {
        return (Long) script("return document.getElementById(arguments[0]).querySelectorAll(arguments[1]).length;",
                chart, selector);
    }

    /** The titles of a chart's hover bands, oldest interval first: each interval's numbers. */
    @SuppressWarnings("unchecked")
    public List<String> hoverTitles(String chart) {
        return (List<String>) script("return [...document.querySelectorAll('#' + arguments[0] + ' rect.hover title')]"
                + ".map((title) => title.textContent);", chart);
    }

    /** Moves the pointer over the hover band of the latest interval whose title has a match of {@code regex}. */
    public void hoverOver(String chart, String regex) {
        Object band = script("return [...document.querySelectorAll('#' + arguments[0] + ' rect.hover')].reverse()"
                + ".find((band) => new RegExp(arguments[1]).test(band.querySelector('title').textContent)) || null;",
                chart, regex);
        if (band == null) {
            throw new AssertionError("no interval of " + chart + " matches " + regex + ": " + hoverTitles(chart));
        }
        new Actions(driver).moveToElement((WebElement) band).perform();
    }

    /** Waits until {@code condition} holds; when the wait runs out, fails saying what it waited for. */
    public <T> T until(Function<WebDriver, T> condition, String what) {
        try {
            return new WebDriverWait(driver, timeout).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + timeout + " for " + what + "; the page shows: "
                    + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }
}
