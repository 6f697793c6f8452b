package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatPage;
import org.agentstream.testing.clients.ConnectionRelay;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.clients.HeadlessChromium;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.agentstream.testing.fixtures.TestSupport;
import org.agentstream.testing.fixtures.TestUrls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real headless Chromium against a real server: what a user sees while a reply streams, and the
 * conversations the server keeps for this browser (its owner cookie).
 */
class ChatPageIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOOL_DEMO = "tool-demo";
    private static final String HELD_TOOLS = "held-tools";

    private HeadlessChromium browser;
    private ChatPage page;

    @BeforeEach
    void startBrowser() throws Exception {
        browser = HeadlessChromium.start();
        page = new ChatPage(browser.driver(), WAIT);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * With sign-in required, the page sends the browser to the server's sign-in form; the user signs in, chats,
     * and signs out, which closes the user's connections (the page's, and another one of the same session).
     */
    @Test
    void aUserSignsInChatsAndSignsOutWhichClosesTheirConnections() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(SIGN_IN, "required");
            try {
                signInChatSignOut();
            } finally {
                admin.setSetting(SIGN_IN, "off");
            }
        }
    }

    private void signInChatSignOut() throws Exception {
        WebDriver driver = browser.driver();
        page.signIn(base.toExternalForm(), BuildUsers.ALICE);

        page.awaitConnection("open");
        page.awaitAgent("echo");
        assertEquals("Signed in as " + BuildUsers.ALICE, driver.findElement(By.id("user")).getText());
        page.send("echo", "signed in and streaming");
        assertEquals("signed in and streaming", page.text(page.awaitLastReply("complete")));
        System.out.println("[browser] signed in: " + browser.screenshot("signed-in.png"));

        String session = driver.manage().getCookies().stream().map(cookie -> cookie.getName() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
        try (ChatClient sameSession = ChatClient.connect(base, Map.of("Cookie", List.of(session)))) {
            sameSession.send(Conversations.request("agents", "agents", null));
            assertEquals("agents", sameSession.next(WAIT).type(), "the browser's session chats from Java too");

            driver.findElement(By.id("sign-out")).click();
            page.awaitSignInForm();
            CloseReason closed = sameSession.awaitClose(WAIT);
            assertNotNull(closed, "signing out closed the user's other connection");
            assertEquals(1008, closed.getCloseCode().getCode(), closed.toString());
            assertEquals("signed_out", closed.getReasonPhrase());
        }
    }

    /**
     * The pages, their script and style, and the sign-in form the container shows at /signin come with a policy of
     * their own origin and no inline code, nosniff, no framing and a same-origin Referer; under it the page
     * connects, streams a reply and draws its chart with no violation, while a script and a style attribute put
     * into the page are refused, which shows the policy is in force.
     */
    @Test
    void thePageIsServedWithAPolicyThatAllowsNoInlineScriptAndStillWorks() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build();
        for (String path : List.of("", "index.html", "login.html", "login-failed.html", "js/chat-page.js",
                "css/chat.css", "account")) {
            HttpResponse<String> response = get(http, path);
            assertEquals(200, response.statusCode(), path);
            assertHardened(response, path);
        }
        HttpResponse<String> form = get(http, "signin");
        assertTrue(form.body().contains("j_security_check"), "/signin shows the sign-in form: " + form.body());
        assertHardened(form, "signin (the container's forward to the sign-in form)");

        browser.recordPolicyViolations();
        browser.driver().get(TestUrls.resolve(base, "signin").toString());
        new WebDriverWait(browser.driver(), WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(By.id("j_username")));
        assertEquals(List.of(), browser.policyViolations(), "the sign-in form needs nothing the policy refuses");

        page.open(base.toExternalForm(), "echo");
        String content = Conversations.words(12);
        page.send("echo", content);
        assertEquals(content, page.text(page.awaitLastReply("complete")), "the reply streamed under the policy");
        page.openTimingView();
        assertEquals(2, page.chartElements("polyline"), "the timing chart is drawn under the policy");
        assertEquals(List.of(), browser.policyViolations(), "the chat page needs nothing the policy refuses");

        page.script("""
                const script = document.createElement('script');
                script.textContent = 'window.__inlineRan = true;';
                document.head.append(script);
                document.body.setAttribute('style', 'outline: 3px solid red');
                """);
        page.awaitEqual(2, () -> browser.policyViolations().size(), "violations reported for what was put in");
        assertEquals(List.of("script-src-elem: inline", "style-src-attr: inline"),
                browser.policyViolations().stream().sorted().toList(), "the inline script and style were refused");
        assertNull(page.script("return window.__inlineRan === undefined ? null : 'ran';"),
                "the inline script did not run");
    }

    private HttpResponse<String> get(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(TestUrls.resolve(base, path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertHardened(HttpResponse<?> response, String path) {
        String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
        List<String> directives = Arrays.asList(policy.split("; "));
        for (String directive : List.of("default-src 'self'", "script-src 'self'", "style-src 'self'",
                "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'")) {
            assertTrue(directives.contains(directive), path + ": " + directive + " in " + policy);
        }
        assertFalse(policy.contains("unsafe"), path + ": no unsafe source in " + policy);
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"), path);
        assertEquals(List.of("DENY"), response.headers().allValues("X-Frame-Options"), path);
        assertEquals(List.of("same-origin"), response.headers().allValues("Referrer-Policy"), path);
    }

    @Test
    void anEchoReplyRendersChunkByChunk() throws Exception {
        page.open(base.toExternalForm(), "echo");
        String content = Conversations.words(48);
        page.send("echo", content);
        page.awaitLastReply("complete");   // warm-up: classes loaded and compiled on both ends

        int index = page.agentMessages().size();
        page.script("""
                const index = arguments[0];
                window.__lengths = [];
                window.__probing = true;
                const probe = () => {
                  const message = document.querySelectorAll('#conversation .message.agent')[index];
                  window.__lengths.push(message ? message.querySelector('.text').textContent.length : -1);
                  if (window.__probing) requestAnimationFrame(probe);
                };
                requestAnimationFrame(probe);
                """, index);
        page.send("echo", content);
        WebElement reply = page.awaitLastReply("complete");
        page.script("window.__probing = false;");

        assertEquals(content, page.text(reply), "the page shows the whole reply");
        Map<String, Object> record = page.lastReplyRecord();
        GapAnalysis gaps = browserGaps(record);
        assertEquals(48, gaps.sendGapsMs().length + 1, "48 chunks, each stamped by the page's client");

        List<Long> lengths = ChatPageIT.<Number>listOf(page.script("return window.__lengths;")).stream()
                .map(Number::longValue).toList();
        Set<Long> distinct = lengths.stream().filter(length -> length >= 0)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        System.out.printf(Locale.ROOT, "[browser] echo, 48 chunks at the 10 ms pause, as the page measured them: %s; "
                        + "text length took %d values over %d animation frames; page verdict: %s%n",
                gaps.summary(), distinct.size(), lengths.size(), record.get("verdict"));

        double smallestSendGap = Arrays.stream(gaps.sendGapsMs()).min().orElseThrow();
        assertTrue(smallestSendGap >= 9.99, "the server paced every send 10 ms apart, smallest " + smallestSendGap);
        assertTrue(gaps.spanRatio() >= 0.8, "the page received the chunks over the send span: " + gaps.summary());
        assertTrue(distinct.size() >= 10, "the text grew over many frames, not in one: " + distinct);
        assertEquals(gaps.gapDifferencePercentile(50), ((Number) record.get("p50")).doubleValue(), 0.001,
                "the client's own p50 agrees with the one computed here");
        assertEquals(gaps.gapDifferencePercentile(99), ((Number) record.get("p99")).doubleValue(), 0.001,
                "the client's own p99 agrees with the one computed here");
    }

    @Test
    void theVerdictTellsRealTimeFromBatched() {
        page.open(base.toExternalForm(), "echo");
        @SuppressWarnings("unchecked")
        List<String> verdicts = (List<String>) page.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/agent-stream-client.js', location.href)).then(({ analyzeTiming }) => {
                  const spread = Array.from({ length: 40 },
                      (_, i) => ({ sentAt: 1000 + 10 * i, receivedAt: 9000 + 10 * i }));
                  const batched = spread.map((c, i) =>
                      i >= 20 && i < 30 ? { ...c, receivedAt: 9290 + 0.1 * (i - 20) } : c);
                  done([analyzeTiming(spread).verdict, analyzeTiming(batched).verdict]);
                });
                """);
        assertTrue(verdicts.get(0).startsWith("real-time; p50 0.00 ms, p99 0.00 ms"), verdicts.get(0));
        assertTrue(verdicts.get(1).startsWith("batched: 10 chunks arrived within 1 ms of each other;"),
                verdicts.get(1));
    }

    @Test
    void theVerdictLeavesReplayedChunksAndReconnectsOut() {
        page.open(base.toExternalForm(), "echo");
        @SuppressWarnings("unchecked")
        List<String> verdicts = (List<String>) page.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/agent-stream-client.js', location.href)).then(({ analyzeTiming }) => {
                  const sent = Array.from({ length: 40 }, (_, i) => ({ seq: i, sentAt: 1000 + 10 * i, connection: 1 }));
                  // cut after chunk 14; chunks 15-24 arrive at once when resumed, the rest live 10 ms apart
                  const resumed = sent.map((c, i) => i < 15 ? { ...c, receivedAt: 9000 + 10 * i }
                    : { ...c, connection: 2, replayed: i < 25, receivedAt: i < 25 ? 20000 + 0.1 * i : 20000 + 10 * i });
                  // cut after chunk 19, nothing missed: the next chunk arrives live, late by the reconnect
                  const reconnected = sent.map((c, i) => i < 20 ? { ...c, receivedAt: 9000 + 10 * i }
                    : { ...c, connection: 2, receivedAt: 15000 + 10 * i });
                  const allReplayed = sent.map((c) => ({ ...c, replayed: true, receivedAt: 20000 }));
                  done([analyzeTiming(resumed).verdict, analyzeTiming(reconnected).verdict,
                        analyzeTiming(allReplayed).verdict]);
                });
                """);
        assertEquals("real-time; p50 0.00 ms, p99 0.00 ms of |receive gap - send gap| over 30 live chunks "
                + "(left out: 10 replayed chunks)", verdicts.get(0), "a burst of replayed chunks is no batching");
        assertEquals("real-time; p50 0.00 ms, p99 0.00 ms of |receive gap - send gap| over 40 live chunks "
                + "(left out: 1 gap across a reconnect)", verdicts.get(1), "nor is the wait for a new connection");
        assertEquals("40 chunks, nothing to compare (left out: 40 replayed chunks)", verdicts.get(2));
    }

    @Test
    void whatWaitsOnTheConnectionIsRejectedWhenItCloses() {
        page.open(base.toExternalForm(), "echo");
        @SuppressWarnings("unchecked")
        List<String> outcomes = (List<String>) page.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/agent-stream-client.js', location.href)).then(async ({ AgentStreamClient }) => {
                  const outcome = (promise) => promise.then(() => 'resolved',
                      (failure) => 'rejected: ' + failure.message);
                  const open = new AgentStreamClient();
                  await open.connect();
                  const agents = outcome(open.listAgents());
                  const conversations = outcome(open.listConversations());
                  const history = outcome(open.history('any'));
                  open.close();
                  const opening = new AgentStreamClient();
                  const connected = outcome(opening.connect());
                  opening.close();
                  done([await agents, await conversations, await history, await connected]);
                });
                """);
        assertEquals(List.of("rejected: client closed", "rejected: client closed", "rejected: client closed",
                        "rejected: client closed"), outcomes,
                "the agent list, conversations and a history asked for, and a connect still opening, settle when the "
                        + "client closes");
    }

    @Test
    void stopEndsALongReplyEarly() throws Exception {
        page.open(base.toExternalForm(), "endless");
        page.send("endless", "go on forever");
        page.awaitStreamedText(40);
        assertTrue(page.stopVisible(), "Stop is offered while the reply streams");

        page.stop();
        WebElement reply = page.awaitLastReply("cancelled");

        assertEquals("stopped", reply.findElement(By.className("status")).getText());
        assertFalse(page.stopVisible(), "Stop goes away once the reply ended");
        assertEquals("cancelled", page.lastReplyRecord().get("status"));
        assertTrue(ServerStatus.awaitIdle(base, WAIT).getBoolean("idle"), "the server stopped the reply");
    }

    /**
     * A reply in Markdown, as models write it, shows as the elements it stands for while it streams and when the
     * conversation is loaded again from the server; the user's own message stays text.
     */
    @Test
    void aMarkdownReplyShowsAsListsCodeTablesAndBold() throws Exception {
        String markdown = """
                Some **bold** words.

                - one
                - two

                ```
                let x = 1;
                ```

                | a | b |
                |---|---|
                | 1 | 2 |
                """;
        browser.recordPolicyViolations();
        page.open(base.toExternalForm(), "echo");
        page.paste("echo", markdown);
        WebElement reply = page.awaitLastReply("complete");

        Map<String, Object> expected = Map.of("strong", List.of("bold"), "li", List.of("one", "two"),
                "pre > code", List.of("let x = 1;\n"), "th", List.of("a", "b"), "td", List.of("1", "2"));
        assertEquals(expected, renderedTexts(reply, expected.keySet()), "the reply's Markdown made into elements");
        assertEquals(markdown, page.text(page.lastUserMessage()), "the user's message is shown as it was typed");
        assertEquals(List.of(), browser.policyViolations(), "rendering needs nothing the policy refuses");
        System.out.println("[browser] a Markdown reply: " + browser.screenshot("markdown-reply.png"));

        page.awaitStoredMessages(2);
        page.reload("echo");
        page.awaitEqual(2, () -> page.messages().size(), "the stored turn is shown again");
        assertEquals(expected, renderedTexts(page.lastAgentMessage(), expected.keySet()),
                "the stored reply, loaded again, shows the same elements");
    }

    /**
     * With the built-in {@code tool-demo} agent (clock, then calculator, then text), the page shows each tool call as
     * it streams: its name, then its arguments filling in, then its status, duration and result; and only once both
     * results are in, the text. The arguments shown are the ones the server stored, each delta once.
     */
    @Test
    void aToolCallShowsItsArgumentsAsTheyStreamThenItsResultThenTheText() throws Exception {
        browser.recordPolicyViolations();
        page.open(base.toExternalForm(), TOOL_DEMO);
        page.recordReplyStates();
        page.send(TOOL_DEMO, "What time is it, and what is 6 * 7?");
        WebElement reply = page.awaitLastReply("complete");
        page.awaitStoredMessages(2);

        List<Map<String, Object>> calls = page.toolCalls(reply);
        assertEquals(List.of("clock", "calculator"), calls.stream().map(call -> call.get("tool")).toList(), "" + calls);
        List<String> stored = storedArguments();
        assertEquals(stored, calls.stream().map(call -> call.get("arguments")).toList(),
                "each call's arguments whole, as the server stored them");
        assertTrue(stored.get(1).contains("6 * 7"), "the calculator was asked the message's sum: " + stored);
        for (Map<String, Object> call : calls) {
            assertEquals("ok", call.get("status"), "" + call);
            assertTrue(((String) call.get("state")).matches("ok · \\d+ ms"), "status and duration: " + call);
            assertEquals(false, call.get("open"), "a call that ended folds up: " + call);
        }
        assertTrue(((String) calls.get(1).get("result")).contains("42"), "the calculator's result: " + calls.get(1));
        assertTrue(page.text(reply).contains("42"), "the text uses the result: " + page.text(reply));

        List<Map<String, Object>> states = page.replyStates();
        for (int index = 0; index < 2; index++) {
            int call = index;
            List<String> whileRunning = states.stream().map(state -> ChatPageIT.<Map<String, Object>>listOf(
                            state.get("calls"))).filter(shown -> shown.size() > call)
                    .map(shown -> shown.get(call)).filter(shown -> "running".equals(shown.get("status")))
                    .map(shown -> (String) shown.get("arguments")).filter(arguments -> !arguments.isEmpty())
                    .distinct().toList();
            assertTrue(whileRunning.size() >= 2, "the arguments filled in while the call ran: " + whileRunning);
            assertTrue(whileRunning.stream().allMatch(stored.get(call)::startsWith),
                    "each a beginning of the whole: " + whileRunning);
        }
        Map<String, Object> firstText = states.stream()
                .filter(state -> ((Number) state.get("textLength")).intValue() > 0).findFirst().orElseThrow();
        List<Map<String, Object>> callsAtFirstText = listOf(firstText.get("calls"));
        assertEquals(List.of("ok", "ok"), callsAtFirstText.stream().map(call -> call.get("status")).toList(),
                "both results were shown before the text: " + firstText);
        assertEquals(stored, callsAtFirstText.stream().map(call -> call.get("arguments")).toList(),
                "with their whole arguments");
        assertEquals(List.of(), browser.policyViolations(), "tool calls need nothing the policy refuses");

        for (WebElement summary : reply.findElements(By.cssSelector(".tool-call summary"))) {
            summary.click();   // unfolded, as a user looking at them would
        }
        System.out.println("[browser] tool calls: " + browser.screenshot("tool-calls.png"));
    }

    /**
     * A reply with tool calls, loaded again from the server after a reload, shows the same calls (name, arguments,
     * status, duration, result, folded alike), the same text and the same usage as it showed live.
     */
    @Test
    void aReloadShowsTheToolCallsFromHistoryAsTheyWereShownLive() {
        page.open(base.toExternalForm(), TOOL_DEMO);
        page.send(TOOL_DEMO, "What is 6 * 7, and what time is it?");
        WebElement reply = page.awaitLastReply("complete");
        List<Map<String, Object>> live = page.toolCalls(reply);
        String text = page.text(reply);
        String usage = page.usage(reply);
        assertEquals(2, live.size(), "" + live);
        page.awaitStoredMessages(2);

        page.reload(TOOL_DEMO);

        page.awaitEqual(2, () -> page.messages().size(), "the stored turn is shown again");
        WebElement stored = page.lastAgentMessage();
        assertEquals(live, page.toolCalls(stored), "the same tool calls as live");
        assertEquals(text, page.text(stored));
        assertEquals("complete", stored.getDomAttribute("data-status"));
        assertNotNull(usage, "the live reply shows its usage");
        assertEquals(usage.lines().filter(line -> !line.startsWith("first chunk")).toList(),
                page.usage(stored).lines().toList(), "the stored reply shows the same usage (but for its first chunk)");
    }

    /**
     * A tool-demo reply cut by a reload in its first tool call is taken up again (what came before replayed, the rest
     * live) and shows each tool call once, with its arguments whole and not doubled, and the text once. tool-demo
     * is slowed down for it (200 ms between frames), so that the reload lands mid-reply.
     */
    @Test
    void aToolReplyTakenUpAfterAReloadShowsEachCallOnce() throws Exception {
        page.open(base.toExternalForm(), HELD_TOOLS);
        page.send(HELD_TOOLS, "What time is it?");
        page.awaitToolCalls(1);

        page.reload(HELD_TOOLS); // the reply is held after its call's result: it still streams
        page.awaitEqual(3, () -> {
            Object chunks = page.lastReplyRecord().get("chunks");
            return chunks == null ? -1 : listOf(chunks).size();
        },
                "the reload took the reply up again while it is held: its call and result were replayed");
        assertEquals(1, TestSupport.releaseHeldReplies(base), "the reply was held until now");

        assertEquals("complete", page.awaitLastReplyEnded(), "the reply was resumed after the reload and completed");
        page.awaitEqual(2, () -> page.messages().size(), "the turn once: the resumed reply is not shown twice");
        page.awaitStoredMessages(2);
        List<Map<String, Object>> calls = page.toolCalls(page.lastAgentMessage());
        assertEquals(List.of("{\"zone\": \"UTC\"}"), calls.stream().map(call -> call.get("arguments")).toList(),
                "the call once, its arguments whole and not doubled: " + calls);
        assertEquals(List.of("ok"), calls.stream().map(call -> call.get("status")).toList());
        Map<String, Object> record = page.lastReplyRecord();
        List<List<Object>> received = listOf(record.get("chunks"));
        assertEquals(IntStream.range(0, received.size()).boxed().toList(),
                received.stream().map(chunk -> ((Number) chunk.get(2)).intValue()).toList(),
                "each frame's seq once, in order, whatever its kind");
        assertEquals("It is noon (UTC).", record.get("text"), "the text once");
        assertEquals(true, received.get(0).get(3), "what came before the reload was replayed");
        assertEquals(false, received.get(received.size() - 1).get(3), "the rest came live");
    }

    /**
     * Regenerate, offered on the last reply only, streams a new reply in its place; Edit on a user message puts its
     * text in the box, and sending it replaces that message and everything after it, on the page and in the
     * conversation the server keeps (a reload shows the same).
     */
    @Test
    void regenerateReplacesTheLastReplyAndEditReplacesAMessageAndWhatFollowed() {
        page.open(base.toExternalForm(), "echo");
        page.send("echo", "The first question.");
        page.awaitLastReply("complete");
        page.send("echo", "The second question.");
        page.awaitLastReply("complete");
        page.awaitEqual(List.of("user: The first question.", "user: The second question.",
                "agent: The second question."), page::messagesWithActions,
                "Edit on each user message, Regenerate on the last reply only");
        String replaced = (String) page.lastReplyRecord().get("messageId");

        page.regenerate();

        page.awaitEqual(true, () -> {
            Map<String, Object> record = page.lastReplyRecord();
            return "complete".equals(record.get("status")) && !replaced.equals(record.get("messageId"));
        }, "a new reply streamed and completed");
        assertEquals(List.of("user: The first question.", "agent: The first question.", "user: The second question.",
                "agent: The second question."), page.messages(), "the new reply in the place of the old one");

        page.edit(0);
        assertEquals("The first question.", page.script("return document.getElementById('content').value;"));
        page.paste("echo", "The first question, put better.");
        page.awaitEqual(true, () -> "complete".equals(page.lastReplyRecord().get("status")),
                "the edited message's reply completed");
        page.awaitEqual(List.of("user: The first question, put better.", "agent: The first question, put better."),
                page::messages, "the edited message and its reply, and nothing that followed the message edited");

        page.awaitStoredMessages(2);
        page.reload("echo");
        page.awaitEqual(List.of("user: The first question, put better.", "agent: The first question, put better."),
                page::messages, "the server keeps the conversation as edited");
    }

    /**
     * The arguments of the tool calls of the stored reply of the page's last conversation, in order, once it is stored
     * whole (its parts are written when it ends).
     */
    private List<String> storedArguments() {
        page.awaitEqual(true, () -> {
            Map<String, Object> reply = stored(1);
            return "complete".equals(reply.get("status")) && reply.get("parts") != null;
        }, "the reply stored complete, with its parts");
        List<Map<String, Object>> parts = listOf(stored(1).get("parts"));
        return parts.stream().filter(part -> "tool_call".equals(part.get("type")))
                .map(part -> (String) part.get("arguments")).toList();
    }

    /** A stored message of the page's last conversation, by its index. */
    private Map<String, Object> stored(int index) {
        List<Map<String, Object>> messages = page.storedMessages();
        assertTrue(messages.size() > index, "stored: " + messages);
        return messages.get(index);
    }

    /** The texts of the elements each selector finds in a message's text, in order. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> renderedTexts(WebElement message, Set<String> selectors) {
        return (Map<String, Object>) page.script("""
                const text = arguments[0].querySelector('.text');
                return Object.fromEntries(arguments[1].map((selector) =>
                  [selector, [...text.querySelectorAll(selector)].map((element) => element.textContent)]));
                """, message, List.copyOf(selectors));
    }

    /**
     * A reply made to attack the page (each line a block of its own, so that Markdown parses its links), streamed
     * word by word so that it is rendered cut at every word too, runs nothing, even with its links clicked: its HTML
     * is shown as text, no script, frame, SVG, image, style or id reaches the page, no event handler, no javascript:
     * or data: address; and the page's policy had nothing to refuse.
     */
    @Test
    void aReplyFullOfScriptRunsNothing() {
        String hostile = """
                <script>window.__pwned = 1</script> and <b>bold</b>

                <img src=x onerror="window.__pwned=2">

                [link](javascript:window.__pwned=3) and [data](data:text/html,<script>alert(1)</script>)

                <a href="javascript:window.__pwned=4">click</a> <a href=" JaVaScRiPt:window.__pwned=5">spaced</a>

                <iframe src="javascript:window.__pwned=6"></iframe> <svg onload="window.__pwned=7"><circle r=1 /></svg>

                <p id="send" style="color: red" onclick="window.__pwned=8">styled</p>

                <math><mi xlink:href="javascript:window.__pwned=9">math</mi></math>

                <style>body { display: none }</style>

                <form action="javascript:window.__pwned=10"><button>go</button></form>
                """;
        browser.recordPolicyViolations();
        page.open(base.toExternalForm(), "echo");
        page.paste("echo", hostile);
        WebElement reply = page.awaitLastReply("complete");
        page.script("arguments[0].querySelectorAll('a').forEach((link) => link.click());", reply);

        assertEquals(hostile, page.text(page.lastUserMessage()), "the user's message is shown as text");
        assertEquals(List.of(), page.script("""
                const text = arguments[0].querySelector('.text');
                const found = [...text.querySelectorAll('script, iframe, svg, math, img, style, form, button, object, '
                    + 'embed, [id], [style], [class]')].map((element) => element.outerHTML);
                for (const element of text.querySelectorAll('*')) {
                  for (const attribute of element.attributes) {
                    if (attribute.name.startsWith('on') || /^\\s*(javascript|data):/i.test(attribute.value)) {
                      found.push(element.tagName + ' ' + attribute.name + '=' + attribute.value);
                    }
                  }
                }
                return found;
                """, reply), "nothing in the rendered reply can run or stand for the page's own elements");
        assertTrue(page.text(reply).contains("<script>window.__pwned = 1</script> and <b>bold</b>"),
                "HTML in a reply is shown as the text it is: " + page.text(reply));
        assertEquals("_blank noopener noreferrer", page.script("""
                const link = arguments[0].querySelector('.text a');
                return link.target + ' ' + link.rel;
                """, reply), "a link opens in a tab of its own that gets no handle on the page");
        assertNull(page.script("return window.__pwned === undefined ? null : String(window.__pwned);"),
                "no script from the reply ran");
        assertEquals(List.of(), browser.policyViolations(), "nothing from the reply tried what the policy refuses");
    }

    @Test
    void aReplyCutOffMidStreamResumesWithNoGapAndNoWordTwice() throws Exception {
        int words = 400;   // 4 s at the 10 ms pause: the cut lands while the reply streams, asserted below
        String content = Conversations.words(words);
        try (ConnectionRelay relay = ConnectionRelay.to(base)) {
            page.open(relay.relayed(base), "echo");
            page.paste("echo", content);
            String uncut = page.text(page.awaitLastReply("complete"));
            int chunks = ((List<?>) page.lastReplyRecord().get("chunks")).size();
            assertEquals(content, uncut, "echo, uncut: the whole message back");
            page.watchReconnects();
            long resumedBefore = ServerStatus.read(base).getJsonNumber("resumed").longValue();
            int acceptedBefore = relay.accepted();

            page.paste("echo", content);
            page.awaitStreamedText(200);
            assertTrue(relay.dropConnections() >= 1, "the page's connection went through the relay");
            assertEquals("complete", page.awaitLastReplyEnded(), "the reply went on after the cut and completed");
            String resumed = page.text(page.lastAgentMessage());
            Map<String, Object> record = page.lastReplyRecord();
            Map<String, List<Object>> reconnects = page.reconnects();
            System.out.println("[browser] cut mid-reply: " + reconnects + "; " + record.get("replayedChunks")
                    + " chunks replayed; page verdict: " + record.get("verdict"));

            assertEquals(uncut, resumed, "the page shows the same text as the run without a cut");
            List<String> shownWords = List.of(resumed.split(" "));
            assertEquals(IntStream.range(0, words).mapToObj(i -> "word" + i).toList(), shownWords,
                    "every word once, in order");
            assertEquals(shownWords.size(), Set.copyOf(shownWords).size(), "no word twice");
            assertEquals(resumed, record.get("text"), "the client's reply holds what the page shows");

            List<List<Object>> received = listOf(record.get("chunks"));
            assertEquals(IntStream.range(0, chunks).boxed().toList(),
                    received.stream().map(chunk -> ((Number) chunk.get(2)).intValue()).toList(),
                    "each seq once, in order, as many chunks as uncut");
            Map<String, Object> drop = mapOf(reconnects.get("drops").get(0));
            int beforeCut = ((Number) drop.get("chunks")).intValue();
            assertEquals("streaming", drop.get("status"), "the reply was streaming when the connection was cut");
            assertTrue(beforeCut > 0 && beforeCut < chunks,
                    "cut mid-reply, after chunk " + beforeCut + " of " + chunks);
            assertEquals("reconnecting…", drop.get("shown"), "the reply said it waits for the connection");
            assertEquals(Map.of("messageId", record.get("messageId"), "afterSeq", (long) beforeCut - 1,
                    "shown", "resuming…"), reconnects.get("resumes").get(0),
                    "the new connection resumed the reply after the last chunk the page had");
            Object firstConnection = received.get(0).get(4);
            List<List<Object>> afterCut = received.stream()
                    .filter(chunk -> !firstConnection.equals(chunk.get(4))).toList();
            assertEquals(chunks - beforeCut, afterCut.size(), "the rest came on the new connection");
            long replayed = afterCut.stream().filter(chunk -> Boolean.TRUE.equals(chunk.get(3))).count();
            assertTrue(afterCut.subList(0, (int) replayed).stream()
                    .allMatch(chunk -> Boolean.TRUE.equals(chunk.get(3))),
                    "the chunks missed meanwhile first, replayed, then the live ones");
            assertEquals(replayed, ((Number) record.get("replayedChunks")).longValue());
            assertTrue(ServerStatus.read(base).getJsonNumber("resumed").longValue() > resumedBefore,
                    "the server counted the resume");

            List<String> shown = listOf(reconnects.get("shown"));
            int lost = shown.indexOf(shown.stream().filter(line -> line.startsWith("reconnecting: Connection lost"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the page said the connection was lost: " + shown)));
            assertTrue(shown.subList(lost, shown.size()).contains("open: Connected"),
                    "then that it was connected again: " + shown);
            assertTrue(relay.accepted() > acceptedBefore, "the browser opened a new connection");

            long leftOut = listOf(record.get("judged")).stream().filter(Boolean.FALSE::equals).count();
            assertTrue(leftOut >= 1, "at least the gap across the reconnect is left out of the verdict");
            page.openTimingView();
            assertEquals(leftOut, page.chartElements("circle.left-out"), "the chart marks the gaps left out");
            assertEquals(replayed > 0, page.chartElements("rect.replayed") > 0, "and shades replayed chunks");
            assertTrue(page.verdict().contains("left out: "), page.verdict());

            page.send("echo", "still here after the drop");
            WebElement reply = page.awaitLastReply("complete");
            assertEquals("still here after the drop", page.text(reply), "the new connection streams replies");
            assertTrue(ServerStatus.awaitIdle(base, WAIT).getBoolean("idle"), "the server has no reply left over");
        }
    }

    @Test
    void aReplyStreamingThroughAReloadIsShownWholeAfterIt() throws Exception {
        String content = Conversations.words(300);
        page.open(base.toExternalForm(), "echo");
        page.send("echo", "Before the reload.");
        page.awaitLastReply("complete");
        page.paste("echo", content);
        page.awaitStreamedText(200);

        page.reload("echo");

        assertEquals("complete", page.awaitLastReplyEnded(), "the reply was resumed after the reload and completed");
        page.awaitEqual(List.of("user: Before the reload.", "agent: Before the reload.", "user: " + content,
                        "agent: " + content), page::messages,
                "the conversation once, with the resumed reply whole and shown once");
        Map<String, Object> record = page.lastReplyRecord();
        List<List<Object>> received = listOf(record.get("chunks"));
        assertEquals(IntStream.range(0, 300).boxed().toList(),
                received.stream().map(chunk -> ((Number) chunk.get(2)).intValue()).toList(), "each seq once, in order");
        assertEquals(true, received.get(0).get(3), "what came before the reload was replayed");
        assertNull(page.script("return sessionStorage.getItem('agentstream.streamingReply');"),
                "nothing is left to resume at the next load");
        assertTrue(ServerStatus.awaitIdle(base, WAIT).getBoolean("idle"), "the server has no reply left over");
    }

    @Test
    void theClientResumesRepliesHandsThemOverAndEndsThoseTheServerLost() {
        page.open(base.toExternalForm(), "endless");
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) page.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/agent-stream-client.js', location.href)).then(async ({ AgentStreamClient }) => {
                  // resolves once the reply has count chunks or ended, as the client's events tell
                  const chunks = (client, reply, count) => new Promise((resolve) => {
                    const check = () => {
                      if (reply.chunks.length < count && !reply.ended) return;
                      client.removeEventListener('chunk', check);
                      client.removeEventListener('stream_end', check);
                      resolve();
                    };
                    client.addEventListener('chunk', check);
                    client.addEventListener('stream_end', check);
                    check();
                  });
                  const first = new AgentStreamClient();
                  const second = new AgentStreamClient();
                  await Promise.all([first.connect(), second.connect()]);
                  const original = first.send('endless', 'hand me over');
                  await chunks(first, original, 5);
                  const taken = second.resume({ id: original.id, messageId: original.messageId, agent: 'endless',
                                                content: original.content });
                  await original.done;
                  await chunks(second, taken, original.chunks.length + 5);
                  second.cancel(taken);
                  await taken.done;
                  const lost = second.resume({ id: 'gone', messageId: 'no-such-reply', agent: 'echo', content: '?' });
                  await lost.done;
                  first.close();
                  second.close();
                  const prefix = taken.text.startsWith(original.text);
                  done({
                    original: [original.status, original.errors.map((e) => e.code).join()],
                    taken: [taken.status, taken.chunks[0].seq, taken.chunks[0].replayed, prefix,
                            taken.chunks.every((c, i) => c.seq === i)],
                    lost: [lost.status, lost.errors.map((e) => e.code).join()],
                  });
                });
                """);
        assertEquals(List.of("interrupted", "resumed_elsewhere"), seen.get("original"),
                "the first client's reply ends where the second one took it over");
        assertEquals(List.of("cancelled", 0L, true, true, true), seen.get("taken"),
                "the second client got it from its first chunk, replayed, what the first had as its start, every seq "
                        + "once, and could stop it");
        assertEquals(List.of("interrupted", "unknown_message"), seen.get("lost"),
                "a reply the server does not know ends interrupted");
    }

    @Test
    void theTimingViewChartsTheLastReply() throws Exception {
        page.open(base.toExternalForm(), "simulated-model");
        page.send("echo", "Hello! Every word of this comes back as its own chunk.");
        page.awaitLastReply("complete");
        page.send("simulated-model", "Tell me why streaming matters.");
        page.awaitStreamedText(150);
        System.out.println("[browser] mid-stream screenshot: " + browser.screenshot("chat-page.png"));
        page.awaitLastReply("complete");

        page.openTimingView();
        int chunks = ((List<?>) page.lastReplyRecord().get("chunks")).size();
        assertTrue(chunks >= 40, "a long reply: " + chunks + " chunks");
        assertEquals(2, page.chartElements("polyline"), "one line for send gaps, one for receive gaps");
        assertEquals(2 * (chunks - 1), page.chartElements("circle"), "a point per gap and series");
        String verdict = page.verdict();
        assertTrue(verdict.matches("(real-time|batched: \\d+ chunks arrived within 1 ms of each other); "
                + "p50 [\\d.]+ ms, p99 [\\d.]+ ms of \\|receive gap - send gap\\| over \\d+ chunks"), verdict);
        page.script("document.getElementById('timing').scrollIntoView();");
        System.out.println("[browser] timing view: " + verdict + "; screenshot: "
                + browser.screenshot("timing-view.png"));
    }

    @Test
    void aReloadShowsTheConversationAgain() {
        page.open(base.toExternalForm(), "echo");
        page.send("echo", "What does streaming change?");
        page.awaitLastReply("complete");
        page.send("echo", "And what if the network batches?");
        page.awaitLastReply("complete");
        String conversationId = (String) page.lastReplyRecord().get("conversationId");
        page.awaitStoredMessages(4);

        page.reload("echo");

        page.awaitEqual(List.of("user: What does streaming change?", "agent: What does streaming change?",
                        "user: And what if the network batches?", "agent: And what if the network batches?"),
                page::messages, "both turns, the user's and the agent's, are shown again after the reload");
        page.awaitEqual(List.of("What does streaming change?"), page::conversationTitles,
                "the sidebar lists the conversation by its first message");
        assertEquals("What does streaming change?", page.currentConversationTitle(), "and marks it as current");

        page.send("echo", "One more after the reload.");
        page.awaitLastReply("complete");
        assertEquals(conversationId, page.lastReplyRecord().get("conversationId"),
                "a message sent after the reload goes into the same conversation");
        assertEquals(List.of("What does streaming change?"), page.conversationTitles());
    }

    @Test
    void anOlderConversationOpensFromTheList() throws Exception {
        page.open(base.toExternalForm(), "echo");
        page.send("echo", "Why stream a reply chunk by chunk?");
        page.awaitLastReply("complete");
        page.newConversation();
        page.awaitEqual(List.of(), page::messages, "a new conversation starts empty");
        page.send("echo", "What does the timing view show?");
        page.awaitLastReply("complete");
        page.awaitEqual(List.of("What does the timing view show?", "Why stream a reply chunk by chunk?"),
                page::conversationTitles, "both conversations are listed, newest first");

        page.openConversation("Why stream a reply chunk by chunk?");

        page.awaitEqual(
                List.of("user: Why stream a reply chunk by chunk?", "agent: Why stream a reply chunk by chunk?"),
                page::messages, "the older conversation's text is shown, and only its text");
        assertEquals("Why stream a reply chunk by chunk?", page.currentConversationTitle());
        System.out.println("[browser] conversations screenshot: " + browser.screenshot("conversations.png"));

        page.reload("echo");
        page.awaitEqual(
                List.of("user: Why stream a reply chunk by chunk?", "agent: Why stream a reply chunk by chunk?"),
                page::messages, "the conversation opened last is the one a reload shows");
    }

    @Test
    void aDeletedConversationLeavesTheList() {
        page.open(base.toExternalForm(), "echo");
        page.send("echo", "This one will be deleted.");
        page.awaitLastReply("complete");
        page.newConversation();
        page.send("echo", "This one stays a little longer.");
        page.awaitLastReply("complete");
        page.awaitEqual(List.of("This one stays a little longer.", "This one will be deleted."),
                page::conversationTitles, "both conversations are listed");

        page.deleteConversation("This one will be deleted.");
        page.awaitEqual(List.of("This one stays a little longer."), page::conversationTitles,
                "the deleted conversation left the list");
        assertEquals(List.of("user: This one stays a little longer.", "agent: This one stays a little longer."),
                page.messages(), "the current conversation stays on screen");

        page.deleteConversation("This one stays a little longer.");
        page.awaitEqual(List.of(), page::conversationTitles, "the current conversation left the list too");
        page.awaitEqual(List.of(), page::messages, "and the screen shows a new, empty conversation");
        assertNull(page.script("return localStorage.getItem('agentstream.conversationId');"),
                "a reload will not look for the deleted conversation");
    }

    @Test
    void theClientListsLoadsAndDeletesConversations() {
        page.open(base.toExternalForm(), "echo");
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) page.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/agent-stream-client.js', location.href)).then(async ({ AgentStreamClient }) => {
                  const refusal = (promise) => promise.then(() => 'resolved', (failure) => failure.code);
                  const client = new AgentStreamClient();
                  await client.connect();
                  const reply = client.send('echo', 'Remember this.');
                  await reply.done;
                  const id = reply.conversationId;
                  const [listed, history] = await Promise.all([client.listConversations(), client.history(id)]);
                  const mine = listed.find((c) => c.conversationId === id);
                  const misdirected =
                      await client.send('echo', 'lost', { conversationId: 'no-such-conversation' }).done;
                  const seen = {
                    id: typeof id, title: mine && mine.title, updatedAt: mine && typeof mine.updatedAt,
                    historyId: history.conversationId === id, first: history.messages[0],
                    olderLeftOut: history.olderLeftOut,
                    unknownHistory: await refusal(client.history('no-such-conversation')),
                    longId: await refusal(client.history('x'.repeat(65))),
                    misdirected: [misdirected.status, misdirected.errors.map((e) => e.code).join()],
                    deleted: await client.deleteConversation(id).then(() => 'deleted'),
                    deletedAgain: await refusal(client.deleteConversation(id)),
                    listedAfter: (await client.listConversations()).some((c) => c.conversationId === id),
                  };
                  client.close();
                  done(seen);
                });
                """);
        assertEquals("string", seen.get("id"), "stream_start named the new conversation");
        assertEquals("Remember this.", seen.get("title"));
        assertEquals("number", seen.get("updatedAt"));
        assertEquals(true, seen.get("historyId"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) seen.get("first");
        assertEquals("user", first.get("role"));
        assertEquals("Remember this.", first.get("content"));
        assertEquals(0L, seen.get("olderLeftOut"));
        assertEquals("unknown_conversation", seen.get("unknownHistory"));
        assertEquals("bad_frame", seen.get("longId"));
        assertEquals(List.of("failed", "unknown_conversation"), seen.get("misdirected"),
                "a message to an unknown conversation is refused and starts nothing");
        assertEquals("deleted", seen.get("deleted"));
        assertEquals("unknown_conversation", seen.get("deletedAgain"));
        assertEquals(false, seen.get("listedAfter"));
    }

    private static GapAnalysis browserGaps(Map<String, Object> record) {
        List<Double> sentAt = new ArrayList<>();
        List<Long> receivedNanos = new ArrayList<>();
        for (Object chunk : listOf(record.get("chunks"))) {
            List<Number> times = listOf(chunk);
            sentAt.add(times.get(0).doubleValue());
            receivedNanos.add(Math.round(times.get(1).doubleValue() * 1e6));
        }
        return GapAnalysis.of(sentAt, receivedNanos);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Object list) {
        return (List<T>) list;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(Object map) {
        return (Map<String, Object>) map;
    }
}
