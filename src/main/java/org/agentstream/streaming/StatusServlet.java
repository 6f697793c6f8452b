package org.agentstream.streaming;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code GET /status}: the streaming counters and the server's thread count, as JSON. With
 * {@code ?awaitIdleMs=N} it first waits (at most N ms) until no reply streams, and says whether that happened.
 */
@WebServlet("/status")
public class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final long MAX_WAIT_MS = 30_000;

    @Inject
    private StreamingService streaming;

    @Inject
    private StreamSettings settings;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Boolean idle = null;
        String await = request.getParameter("awaitIdleMs");
        if (await != null) {
            long waitMs;
            try {
                waitMs = Math.min(MAX_WAIT_MS, Math.max(0, Long.parseLong(await)));
            } catch (NumberFormatException e) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "awaitIdleMs takes milliseconds");
                return;
            }
            try {
                idle = streaming.awaitIdle(Duration.ofMillis(waitMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                return;
            }
        }
        StreamStats stats = streaming.stats();
        StreamSettings.Values current = settings.current();
        var json = Json.createObjectBuilder()
                .add("activeStreams", stats.activeStreams())
                .add("started", stats.started())
                .add("completed", stats.completed())
                .add("cancelled", stats.cancelled())
                .add("failed", stats.failed())
                .add("disconnected", stats.disconnected())
                .add("busy", stats.busy())
                .add("threads", stats.threads())
                .add("peakThreads", stats.peakThreads())
                .add("cpuNanos", stats.cpuNanos())
                .add("executor", streaming.executorName())
                .add("settings", Json.createObjectBuilder()
                        .add("pauseMs", current.pause().toMillis())
                        .add("maxStreams", current.maxStreams())
                        .add("maxStreamsPerConnection", current.maxStreamsPerConnection())
                        .add("bufferChunks", current.bufferChunks()));
        if (idle != null) {
            json.add("idle", idle);
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.build().toString());
    }
}
