package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
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
            })).observe(document.getElementById('conversation'),
                { childList: true, characterData: true, subtree: true });
            """;

    /** A tool call's element as {@link #toolCalls} describes it (a JavaScript function of the element). */
    private static final String TOOL_CALL = """
            (call) => {
              const result = call.querySelector('.tool-result');
              return { tool: call.querySelector('.tool-name').textContent,
                       arguments: call.querySelector('.tool-arguments').textContent, status: call.dataset.status,
                       state: call.querySelector('.tool-state').textContent, open: call.open,
                       result: result.hidden ? null : result.textContent };
            }
            """;

    private final WebDriver driver;
    private final Duration timeout;
    private final WebDriverWait wait;

    public ChatPage(WebDriver driver, Duration timeout) {
        this.driver = driver;
        this.timeout = timeout;
        this.wait = new WebDriverWait(driver, timeout);
    }

    /**
     * Opens the page at {@code url} while nobody is signed in, which sends the browser to the server's sign-in
     * form, and signs in there as {@code user} with the password the build made; returns once the form is sent.
     */
    public void signIn(String url, String user) {
        SignIn.inBrowser(driver, timeout, url, user, By.id("connection"));
    }

    /** Waits until the browser shows the server's sign-in form, where the page sends it when nobody is signed in. */
    public void awaitSignInForm() {
        SignIn.awaitForm(driver, timeout);
    }

    /** Opens the page and waits until it is connected and lists {@code agent}. */
    public ChatPage open(String url, String agent) {
        driver.get(url);
        return loaded(agent);
    }

    /** Reloads the page, as a user pressing F5, and waits until it is connected again and lists {@code agent}. */
    public ChatPage reload(String agent) {
        driver.navigate().refresh();
        return loaded(agent);
    }

    private ChatPage loaded(String agent) {
        script(RECORD_STREAMED_TEXT);
        awaitConnection("open");
        awaitAgent(agent);
        return this;
    }

    /** Waits until the page lists {@code agent} (the server's answer to the page's request for the agents). */
    public void awaitAgent(String agent) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#agent option[value='" + agent + "']")));
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

    /**
     * Picks an agent, puts a message in the box at once, as a paste does (typing a long message key by key takes
     * seconds), and presses Send.
     */
    public void paste(String agent, String content) {
        new Select(driver.findElement(By.id("agent"))).selectByValue(agent);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("send")));
        script("document.getElementById('content').value = arguments[0];", content);
        driver.findElement(By.id("send")).click();
    }

    public void newConversation() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("new-conversation"))).click();
    }

    /** Clicks a conversation of the sidebar by its title. */
    public void openConversation(String title) {
        conversationButton(title, ".open").click();
    }

    /** Clicks the delete button of a conversation of the sidebar, found by its title. */
    public void deleteConversation(String title) {
        conversationButton(title, ".delete").click();
    }

    private WebElement conversationButton(String title, String selector) {
        return wait.until(d -> (WebElement) script("""
                const item = [...document.querySelectorAll('#conversations .conversation-item')]
                  .find((candidate) => candidate.querySelector('.title').textContent === arguments[0]);
                return item ? item.querySelector(arguments[1]) : null;
                """, title, selector));
    }

    /** The titles of the sidebar's conversations, top to bottom. */
    @SuppressWarnings("unchecked")
    public List<String> conversationTitles() {
        return (List<String>) script("return [...document.querySelectorAll('#conversations .title')]"
                + ".map((title) => title.textContent);");
    }

    /** The title of the conversation the sidebar marks as current, or null. */
    public String currentConversationTitle() {
        return (String) script("const title = document.querySelector("
                + "'#conversations [aria-current=\"true\"] .title'); return title ? title.textContent : null;");
    }

    /** The messages on screen, oldest first, each as "user: text" or "agent: text". */
    @SuppressWarnings("unchecked")
    public List<String> messages() {
        return (List<String>) script("return [...document.querySelectorAll('#conversation .message')].map((m) => "
                + "(m.classList.contains('user') ? 'user: ' : 'agent: ') + m.querySelector('.text').textContent);");
    }

    /**
     * Waits until the server lists {@code count} stored messages for the conversation of the page's last reply (a
     * reply is stored when it ends), asking through the page's own client.
     */
    public void awaitStoredMessages(int count) {
        awaitEqual(count, () -> ((Number) asyncScript("""
                const done = arguments[arguments.length - 1];
                import(document.querySelector('script[type="module"]').src)
                  .then(({ client }) => client.listConversations().then((conversations) => {
                    const listed = conversations.find((c) => c.conversationId === client.lastReply.conversationId);
                    done(listed ? listed.messages : -1);
                  }))
                  .catch(() => done(-2));
                """)).intValue(), "messages the server stored in the conversation");
    }

    /** Waits until {@code actual} yields {@code expected}; when the wait runs out, fails showing both. */
    public <T> void awaitEqual(T expected, Supplier<T> actual, String what) {
        try {
            wait.until(d -> expected.equals(actual.get()));
        } catch (TimeoutException e) {
            assertEquals(expected, actual.get(), what);
        }
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

    /** Waits until the last agent message has ended, however it ended, and returns its status. */
    public String awaitLastReplyEnded() {
        wait.until(d -> !List.of("pending", "streaming").contains(lastAgentMessage().getDomAttribute("data-status")));
        return lastAgentMessage().getDomAttribute("data-status");
    }

    /**
     * Records, from now on, what the page shows and what its client does when the connection drops and comes back;
     * {@link #reconnects()} returns it.
     */
    public void watchReconnects() {
        asyncScript("""
                const done = arguments[arguments.length - 1];
                window.__reconnects = { shown: [], drops: [], resumes: [] };
                const line = document.getElementById('connection');
                new MutationObserver(() => window.__reconnects.shown.push(line.dataset.state + ': ' + line.textContent))
                  .observe(line, { childList: true, characterData: true, subtree: true, attributes: true });
                const replyStatus = () => {
                  const statuses = document.querySelectorAll('#conversation .message.agent .status');
                  return statuses.length ? statuses[statuses.length - 1].textContent : null;
                };
                import(document.querySelector('script[type="module"]').src).then(({ client }) => {
                  client.addEventListener('state', ({ detail }) => {
                    if (detail.state !== 'reconnecting') return;
                    const reply = client.lastReply;
                    window.__reconnects.drops.push({ status: reply ? reply.status : 'none',
                      chunks: reply ? reply.chunks.length : 0, shown: replyStatus() });
                  });
                  client.addEventListener('resume', ({ detail }) => window.__reconnects.resumes.push({
                    messageId: detail.reply.messageId, afterSeq: detail.afterSeq, shown: replyStatus() }));
                  done();
                });
                """);
    }

    /**
     * What {@link #watchReconnects()} recorded: {@code shown}, the connection line's texts ("state: text");
     * {@code drops}, per drop the last reply's status, its chunk count and the status it showed; {@code resumes},
     * per resume sent its messageId, afterSeq and the status the reply showed.
     */
    @SuppressWarnings("unchecked")
    public Map<String, List<Object>> reconnects() {
        return (Map<String, List<Object>>) script("return window.__reconnects;");
    }

    /** Clicks Regenerate on the last reply. */
    public void regenerate() {
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#conversation .message.agent:last-child .regenerate"))).click();
    }

    /** Clicks Edit on a user message (by its index among the user messages), which puts its text in the box. */
    public void edit(int userMessage) {
        wait.until(d -> d.findElements(By.cssSelector("#conversation .message.user")).get(userMessage)
                .findElement(By.className("edit")).isDisplayed());
        driver.findElements(By.cssSelector("#conversation .message.user")).get(userMessage)
                .findElement(By.className("edit")).click();
    }

    /** The messages that show a Regenerate or an Edit button, each as "user: text" or "agent: text". */
    @SuppressWarnings("unchecked")
    public List<String> messagesWithActions() {
        return (List<String>) script("""
                const offered = (message) => [...message.querySelectorAll('.action')]
                  .some((button) => getComputedStyle(button).display !== 'none');
                return [...document.querySelectorAll('#conversation .message')].filter(offered)
                  .map((m) => (m.matches('.user') ? 'user: ' : 'agent: ') + m.querySelector('.text').textContent);
                """);
    }

    /** Waits until the last agent message shows at least {@code count} tool calls. */
    public void awaitToolCalls(int count) {
        wait.until(d -> (Boolean) script("""
                const messages = document.querySelectorAll('#conversation .message.agent');
                const last = messages[messages.length - 1];
                return last !== undefined && last.querySelectorAll('.tool-call').length >= arguments[0];
                """, count));
    }

    /** What a message's usage says on hover (its title), or null when it shows none. */
    public String usage(WebElement message) {
        return (String) script("const usage = arguments[0].querySelector('.usage');"
                + " return usage && !usage.hidden ? usage.title : null;", message);
    }

    /** Waits until the last reply has shown at least {@code chars} characters while still streaming. */
    public void awaitStreamedText(int chars) {
        wait.until(d -> (Boolean) script("""
                const messages = document.querySelectorAll('#conversation .message.agent');
                const last = messages[messages.length - 1];
                return last !== undefined && (last.streamedChars || 0) >= arguments[0];
                """, chars));
    }

    /**
     * The tool calls a message shows, in order, each as {@code tool} (its name), {@code arguments}, {@code status}
     * (running, ok, error), {@code state} (what its summary says: "running…", "ok · 12 ms") and {@code result}
     * (null while there is none), and {@code open}: whether it is unfolded.
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> toolCalls(WebElement message) {
        return (List<Map<String, Object>>) script("return [...arguments[0].querySelectorAll('.tool-call')]"
                + ".map(" + TOOL_CALL + ");", message);
    }

    /**
     * Records, from now on, each state the last agent message passes through (its tool calls as {@link #toolCalls}
     * describes them, and the length of its text), once per change, as the DOM changes: so a state that lasts only
     * between two frames of the server is kept too. {@link #replyStates()} returns them.
     */
    public void recordReplyStates() {
        script("""
                window.__replyStates = [];
                const call = %s;
                new MutationObserver(() => {
                  const messages = document.querySelectorAll('#conversation .message.agent');
                  const last = messages[messages.length - 1];
                  if (!last) return;
                  const state = { calls: [...last.querySelectorAll('.tool-call')].map(call),
                                  textLength: last.querySelector('.text').textContent.length };
                  const previous = window.__replyStates[window.__replyStates.length - 1];
                  if (JSON.stringify(previous) !== JSON.stringify(state)) window.__replyStates.push(state);
                }).observe(document.getElementById('conversation'),
                    { childList: true, characterData: true, subtree: true, attributes: true });
                """.formatted(TOOL_CALL));
    }

    /** What {@link #recordReplyStates()} recorded, oldest first: {@code calls} and {@code textLength} per state. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> replyStates() {
        return (List<Map<String, Object>>) script("return window.__replyStates;");
    }

    /**
     * The stored messages of the conversation of the page's last reply, as the server's history frame has them
     * (role, content, messageId, parts, usage, …), asked for through the page's own client.
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> storedMessages() {
        return (List<Map<String, Object>>) asyncScript("""
                const done = arguments[arguments.length - 1];
                import(document.querySelector('script[type="module"]').src)
                  .then(({ client }) => client.history(client.lastReply.conversationId))
                  .then((history) => done(history.messages), (failure) => done([{ failure: String(failure) }]));
                """);
    }

    /** The text of a message body as the DOM holds it (not as layout renders it). */
    public String text(WebElement message) {
        return (String) script("return arguments[0].querySelector('.text').textContent;", message);
    }

    /**
     * The last reply as the page's JavaScript client recorded it: status, messageId, text, conversationId, errors (the
     * codes of the error frames it got), chunks (each as sentAt, receivedAt, seq, replayed, connection) and timing
     * (verdict, p50, p99, spanRatio, judged: per gap whether the verdict counts it, replayedChunks). The client is the
     * one the page module exports; importing the module the page loaded yields that instance.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> lastReplyRecord() {
        return (Map<String, Object>) asyncScript("""
                const done = arguments[arguments.length - 1];
                import(document.querySelector('script[type="module"]').src).then(({ client }) => {
                  const reply = client.lastReply;
                  const timing = reply.timing();
                  done({ status: reply.status, messageId: reply.messageId, text: reply.text,
                         conversationId: reply.conversationId, errors: reply.errors.map((e) => e.code),
                         chunks: reply.chunks.map(c => [c.sentAt, c.receivedAt, c.seq, c.replayed, c.connection]),
                         verdict: timing.verdict, p50: timing.p50Ms, p99: timing.p99Ms, spanRatio: timing.spanRatio,
                         judged: timing.judged, replayedChunks: timing.replayedChunks });
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

    /** The browser's cookies for the page shown, as its requests send them: {@code name=value; name=value}. */
    public String cookieHeader() {
        return driver.manage().getCookies().stream().map(cookie -> cookie.getName() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }
}
