package org.agentstream.testing.probes;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.agentstream.testing.tools.TestTools;

/**
 * Test deployments only: what the test tools did, as JSON ({@code recorded}, {@code stalled}, {@code interrupted});
 * {@code ?awaitStallMs=} / {@code ?awaitInterruptedMs=} first wait (bounded) for a {@code stall} call to start / to be
 * interrupted and say whether it did ({@code sawStall}, {@code sawInterrupt}). POST forgets every call.
 */
@WebServlet("/test-support/tools")
public class ToolsProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final long MAX_WAIT_MS = 30_000;

    @Inject
    private TestTools tools;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder answer = Json.createObjectBuilder();
        try {
            if (request.getParameter("awaitStallMs") != null) {
                answer.add("sawStall", tools.awaitStall(waitOf(request, "awaitStallMs")));
            }
            if (request.getParameter("awaitInterruptedMs") != null) {
                answer.add("sawInterrupt", tools.awaitInterrupted(waitOf(request, "awaitInterruptedMs")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "interrupted");
            return;
        }
        answer.add("recorded", Json.createArrayBuilder(tools.recorded())).add("stalled", tools.stalled())
                .add("interrupted", tools.interrupted());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(answer.build().toString());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        tools.forget();
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static Duration waitOf(HttpServletRequest request, String name) {
        return Duration.ofMillis(Math.min(MAX_WAIT_MS, Math.max(0, Long.parseLong(request.getParameter(name)))));
    }
}
