package org.agentstream.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The chat page as a user drives it in a browser; every wait is bounded and fails the test when it runs out. */
public final class ChatPage {

    /**
     * Records on each agent message the most text it showed while streaming, as the text changes (so a short
     * reply cannot end between two polls of a wait and be missed).
     */
    private static final String RECORD_STREAMED_TEXT = """
            new MutationObserver((records) => records.forEach((record) => {
              const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
              const message = node && node.closest('.message.agent');
              if (message && message.dataset.status === 'streaming') {
                const length = message.querySelector('.text').textContent.length;
                message.streamedChars = Math.max(message.streamedChars || 0, length);
              }
            })).observe(document.getElementById('conversation'), { childList: true, characterData: true, subtree: true });
            """;

    private final WebDriver driver;
    private final WebDriverWait wait;

    public ChatPage(WebDriver driver, Duration timeout) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, timeout);
    }

    /** Opens the page and waits until it is connected and lists {@code agent}. */
    public ChatPage open(String url, String agent) {
        driver.get(url);
        script(RECORD_STREAMED_TEXT);
        awaitConnection("open");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#agent option[value='" + agent + "']")));
        return this;
    }

    public void awaitConnection(String state) {
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", state));
    }

    /** Picks an agent, types the message and presses Send. */
    public void send(String agent, String content) {
        new Select(driver.findElement(By.id("agent"))).selectByValue(agent);
        WebElement input = driver.findElement(By.id("content"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("send")));
        input.clear();
        input.sendKeys(content);
        driver.findElement(By.id("send")).click();
    }

    public void stop() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("stop"))).click();
    }

    public boolean stopVisible() {
        return driver.findElement(By.id("stop")).isDisplayed();
    }

    public List<WebElement> agentMessages() {
        return driver.findElements(By.cssSelector("#conversation .message.agent"));
    }

    public WebElement lastAgentMessage() {
        List<WebElement> messages = agentMessages();
        if (messages.isEmpty()) {
            throw new AssertionError("no agent message on the page");
        }
        return messages.get(messages.size() - 1);
    }

    public WebElement lastUserMessage() {
        List<WebElement> messages = driver.findElements(By.cssSelector("#conversation .message.user"));
        return messages.get(messages.size() - 1);
    }

    /** Waits until the last agent message has the status (complete, cancelled, failed, interrupted) and returns it. */
    public WebElement awaitLastReply(String status) {
        wait.until(d -> status.equals(lastAgentMessage().getDomAttribute("data-status")));
        return lastAgentMessage();
    }

    /** Waits until the last reply has shown at least {@code chars} characters while still streaming. */
    public void awaitStreamedText(int chars) {
        wait.until(d -> (Boolean) script("""
                const messages = document.querySelectorAll('#conversation .message.agent');
                const last = messages[messages.length - 1];
                return last !== undefined && (last.streamedChars || 0) >= arguments[0];
                """, chars));
    }

    /** The text of a message body as the DOM holds it (not as layout renders it). */
    public String text(WebElement message) {
        return (String) script("return arguments[0].querySelector('.text').textContent;", message);
    }

    /**
     * The last reply as the page's JavaScript client recorded it: status, chunks (sentAt, receivedAt) and timing.
     * The client is the one the page module exports; importing the module the page loaded yields that instance.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> lastReplyRecord() {
        return (Map<String, Object>) asyncScript("""
                const done = arguments[arguments.length - 1];
                import(document.querySelector('script[type="module"]').src).then(({ client }) => {
                  const reply = client.lastReply;
                  const timing = reply.timing();
                  done({ status: reply.status, text: reply.text,
                         chunks: reply.chunks.map(c => [c.sentAt, c.receivedAt]),
                         verdict: timing.verdict, p50: timing.p50Ms, p99: timing.p99Ms, spanRatio: timing.spanRatio });
                }, (failure) => done({ status: 'no client: ' + failure }));
                """);
    }

    public void openTimingView() {
        driver.findElement(By.id("timing-toggle")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timing")));
    }

    public String verdict() {
        return driver.findElement(By.id("verdict")).getText();
    }

    public int chartElements(String selector) {
        return driver.findElements(By.cssSelector("#timing-chart " + selector)).size();
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }
}
