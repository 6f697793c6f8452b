package org.agentstream.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.testing.fixtures.ToolsInWeld;
import org.agentstream.testing.tools.TestTools;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tools are found among the CDI beans by the portable extension and called through their beans (scopes and
 * interceptors apply) on the managed executor, bounded in time, in Weld.
 */
@EnableWeld
class ToolDirectoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final VirtualScheduler time = new VirtualScheduler();
    private final BlockingQueue<ReplyEvent.ToolResult> results = new LinkedBlockingQueue<>();

    @WeldSetup
    WeldInitiator weld = ToolsInWeld.with(time, pool, CountedTools.class, CountingInterceptor.class,
            RequestTools.class).build();

    @Inject
    ToolDirectory directory;

    @Inject
    TestTools testTools;

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private ReplyEvent.ToolResult call(String tool, String arguments, Duration timeout) throws InterruptedException {
        directory.offer(List.of(tool), "conversation").call(request(tool, arguments), timeout, results::add);
        return next();
    }

    private static ToolExecutionRequest request(String tool, String arguments) {
        return ToolExecutionRequest.builder().id("call-" + tool).name(tool).arguments(arguments).build();
    }

    private ReplyEvent.ToolResult next() throws InterruptedException {
        ReplyEvent.ToolResult result = results.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(result, "no tool result within " + WAIT);
        return result;
    }

    @Test
    void everyToolMethodOfABeanIsFoundByItsAnnotatedNameOrItsMethodName() {
        assertEquals(Set.of("clock", "calculator", "record", "explode", "stall", "greet", "requestId"),
                directory.names());
    }

    @Test
    void aReplyIsOfferedTheNamedToolsOnlyWithWhatTheModelIsToldAboutThem() {
        List<ToolSpecification> offered = directory.offer(List.of("clock", "no-such-tool", "record"), null)
                .specifications();

        assertEquals(List.of("clock", "record"), offered.stream().map(ToolSpecification::name).toList());
        assertTrue(offered.get(0).description().contains("ISO-8601"), offered.get(0).description());
        assertEquals(Set.of("zone"), offered.get(0).parameters().properties().keySet());
        assertEquals(List.of("note", "times"), offered.get(1).parameters().required());
    }

    @Test
    void theModelsJsonArgumentsBecomeTheMethodsParametersOnTheRealBean() throws Exception {
        ReplyEvent.ToolResult result = call("record", "{\"note\": \"tea\", \"times\": 3}", WAIT);

        assertTrue(result.ok(), result.result());
        assertEquals("call-record", result.callId());
        assertEquals("recorded tea 3 times", result.result());
        assertEquals(List.of("tea x3"), testTools.recorded());
    }

    @Test
    void argumentsThatDoNotFitAreAnErrorResult() throws Exception {
        ReplyEvent.ToolResult result = call("record", "{\"note\": \"tea\", \"times\": \"many\"}", WAIT);

        assertFalse(result.ok());
        assertTrue(result.result().startsWith("invalid arguments for record: "), result.result());
        assertTrue(testTools.recorded().isEmpty());
    }

    @Test
    void aToolThatThrowsIsAnErrorResultWithItsMessage() throws Exception {
        ReplyEvent.ToolResult result = call("explode", "{\"why\": \"testing\"}", WAIT);

        assertFalse(result.ok());
        assertEquals("error", result.status());
        assertEquals("exploded: testing", result.result());
    }

    @Test
    void aToolPastItsTimeoutIsAnErrorResultAndItsThreadIsInterrupted() throws Exception {
        directory.offer(List.of("stall"), null).call(request("stall", "{}"), TIMEOUT, results::add);
        assertTrue(testTools.awaitStall(WAIT), "the tool runs");
        time.advance(TIMEOUT.toNanos() - 1);
        assertNull(results.poll(), "not before its timeout");

        time.advance(1);
        ReplyEvent.ToolResult result = next();
        assertFalse(result.ok());
        assertEquals("the tool did not finish within 200 ms", result.result());
        assertTrue(testTools.awaitInterrupted(WAIT), "the stalled tool's thread was interrupted");
        assertNull(results.poll(), "one result only");
    }

    @Test
    void aCancelledCallIsInterruptedAndReportsNothing() throws Exception {
        ToolRun run = directory.offer(List.of("stall"), null).call(request("stall", "{}"), WAIT, results::add);
        assertTrue(testTools.awaitStall(WAIT), "the tool runs");
        run.cancel();

        assertTrue(testTools.awaitInterrupted(WAIT), "the tool's thread was interrupted");
        time.advance(WAIT.toNanos());
        assertNull(results.poll(), "a cancelled call has no result, not even at its timeout");
    }

    @Test
    void aToolThatIsNotOfferedIsAnErrorResult() throws Exception {
        directory.offer(List.of("clock"), null).call(request("record", "{}"), WAIT, results::add);

        ReplyEvent.ToolResult result = next();
        assertFalse(result.ok());
        assertEquals("no tool named record is offered; the tools are [clock]", result.result());
    }

    @Test
    void aToolIsCalledThroughItsBeanSoItsInterceptorsApply() throws Exception {
        CountingInterceptor.calls.set(0);
        ReplyEvent.ToolResult result = call("greet", "{\"name\": \"Ada\"}", WAIT);

        assertEquals("Hello, Ada", result.result());
        assertEquals(1, CountingInterceptor.calls.get());
    }

    @Test
    void aRequestScopedToolHasARequestOfItsOwnPerCall() throws Exception {
        String first = call("requestId", "{}", WAIT).result();
        String second = call("requestId", "{}", WAIT).result();

        assertTrue(first.startsWith("request "), first);
        assertFalse(first.equals(second), "each call is a request of its own");
    }

    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @interface Counted {
    }

    @Counted
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION)
    static class CountingInterceptor {
        static final AtomicInteger calls = new AtomicInteger();

        @AroundInvoke
        Object count(InvocationContext context) throws Exception {
            calls.incrementAndGet();
            return context.proceed();
        }
    }

    /** A tool on an intercepted bean, named by its method. */
    @ApplicationScoped
    @Counted
    static class CountedTools {
        @Tool("Greets someone")
        public String greet(@P(name = "name", value = "who") String name) {
            return "Hello, " + name;
        }
    }

    @RequestScoped
    static class RequestTools {
        private final String id = "request " + System.identityHashCode(this);

        @Tool("Tells which request it runs in")
        public String requestId() {
            return id;
        }
    }
}
