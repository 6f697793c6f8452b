package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.ConversationRepository;
import org.agentstream.history.HistorySettings;
import org.agentstream.history.StoredCounts;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /status is for operators on the machine itself unless the admin opens it. */
class StatusServletTest {

    private static final String REMOTE = "agentstream.status.remote";
    private static final String HISTORY = "agentstream.history.enabled";

    private final StreamSettings settings = new StreamSettings() {
        @Override
        public Values current() {
            return new Values(Duration.ofMillis(10), 2000, 16, 1000, 32, Duration.ofMinutes(10), Duration.ZERO,
                    Duration.ofSeconds(30), 2000);
        }
    };
    private final StatusServlet servlet = new StatusServlet(
            new StreamingService(new VirtualScheduler(), System::nanoTime, settings), settings, history(),
            () -> List.of(new ClusterMembers.Member("node-1", 2, 5), new ClusterMembers.Member("node-2", 0, 1)));
    private final AtomicInteger status = new AtomicInteger(200);
    private final StringWriter body = new StringWriter();

    /** A history whose database holds 3 conversations of 7 messages, 3 of them replies with their chunks. */
    private static ConversationHistory history() {
        ConversationRepository repository = (ConversationRepository) Proxy.newProxyInstance(
                StatusServletTest.class.getClassLoader(), new Class<?>[] {ConversationRepository.class},
                (proxy, method, args) -> {
                    if ("counts".equals(method.getName())) {
                        return new StoredCounts(3, 7, 3);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new ConversationHistory(repository, new HistorySettings(), Runnable::run);
    }

    @AfterEach
    void forgetSetting() {
        System.clearProperty(REMOTE);
        System.clearProperty(HISTORY);
    }

    private static HttpServletRequest from(String address) {
        return (HttpServletRequest) Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> "getRemoteAddr".equals(method.getName()) ? address : null);
    }

    /** Records the status and the body; headers are accepted and ignored. */
    private HttpServletResponse response() {
        PrintWriter writer = new PrintWriter(body);
        return (HttpServletResponse) Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "sendError", "setStatus" -> {
                        status.set((Integer) args[0]);
                        yield null;
                    }
                    case "getWriter" -> writer;
                    default -> null;
                });
    }

    @Test
    void thisMachineIsServed() throws Exception {
        servlet.doGet(from("127.0.0.1"), response());

        assertEquals(200, status.get());
        assertTrue(body.toString().contains("\"activeStreams\":0"), body.toString());
        assertTrue(body.toString().contains("\"pauseMs\":10"), body.toString());
    }

    @Test
    void theClustersMembersAreListedWithTheirFigures() throws Exception {
        servlet.doGet(from("127.0.0.1"), response());

        assertTrue(body.toString().contains("\"cluster\":{\"members\":[{\"node\":\"node-1\",\"activeStreams\":2,"
                + "\"connections\":5},{\"node\":\"node-2\",\"activeStreams\":0,\"connections\":1}]}"), body.toString());
    }

    @Test
    void theStoredRowsAreCounted() throws Exception {
        servlet.doGet(from("127.0.0.1"), response());

        assertTrue(body.toString().contains("\"stored\":{\"conversations\":3,\"messages\":7,\"replyChunks\":3}"),
                body.toString());
    }

    @Test
    void theStoredRowsAreLeftOutWithHistoryOff() throws Exception {
        System.setProperty(HISTORY, "false");
        servlet.doGet(from("127.0.0.1"), response());

        assertEquals(200, status.get());
        assertFalse(body.toString().contains("\"stored\""), body.toString());
    }

    @Test
    void anotherMachineIsRefused() throws Exception {
        servlet.doGet(from("203.0.113.7"), response());

        assertEquals(403, status.get());
        assertEquals("", body.toString());
    }

    @Test
    void anotherMachineIsServedOnceTheAdminAllowsIt() throws Exception {
        System.setProperty(REMOTE, "true");
        servlet.doGet(from("203.0.113.7"), response());

        assertEquals(200, status.get());
        assertTrue(body.toString().contains("\"activeStreams\""), body.toString());
    }
}
