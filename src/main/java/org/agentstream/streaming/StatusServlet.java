package org.agentstream.streaming;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.StoredCounts;

/**
 * {@code GET /status}: the streaming counters, the cluster's members (this node alone, unless clustered), the
 * server's threads and CPU time, the executor, the rows of the stored conversations and the settings in force, as
 * JSON. With {@code ?awaitIdleMs=N} it first waits (at most N ms) until
 * no reply streams, and says whether that happened. It answers requests from this machine only, unless
 * {@code agentstream.status.remote} is true: the wait holds a request thread, and the figures are for operators.
 */
@WebServlet("/status")
public class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(StatusServlet.class.getName());
    private static final long MAX_WAIT_MS = 30_000;
    /** How long the answer waits for the database's row counts before it leaves them out. */
    private static final long COUNTS_WAIT_MS = 5_000;

    @Inject
    private StreamingService streaming;

    @Inject
    private StreamSettings settings;

    @Inject
    private ConversationHistory history;

    @Inject
    private ClusterMembers cluster;

    public StatusServlet() {
        // for the container: the fields are injected
    }

    /** Outside a container, as unit tests use it. */
    StatusServlet(StreamingService streaming, StreamSettings settings, ConversationHistory history,
            ClusterMembers cluster) {
        this.streaming = streaming;
        this.settings = settings;
        this.history = history;
        this.cluster = cluster;
    }

    private static boolean fromThisMachine(HttpServletRequest request) {
        try {
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.statusForOtherMachines() && !fromThisMachine(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "/status answers only this machine unless agentstream.status.remote is true");
            return;
        }
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
                idle = streaming.activeReplies().awaitNone(Duration.ofMillis(waitMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                return;
            }
        }
        JsonObjectBuilder json = status(streaming.stats(), JvmLoad.now(), settings.current());
        if (idle != null) {
            json.add("idle", idle);
        }
        json.add("cluster", Json.createObjectBuilder().add("members", cluster.membersAsJson()));
        Optional<StoredCounts> stored;
        try {
            stored = storedCounts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        stored.ifPresent(counts -> json.add("stored", Json.createObjectBuilder()
                .add("conversations", counts.conversations())
                .add("messages", counts.messages())
                .add("replyChunks", counts.replyChunks())));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.build().toString());
    }

    private JsonObjectBuilder status(StreamStats stats, JvmLoad load, StreamSettings.Values current) {
        return Json.createObjectBuilder()
                .add("pid", ProcessHandle.current().pid())
                .add("activeStreams", stats.activeStreams())
                .add("started", stats.started())
                .add("completed", stats.completed())
                .add("cancelled", stats.cancelled())
                .add("failed", stats.failed())
                .add("disconnected", stats.disconnected())
                .add("busy", stats.busy())
                .add("resumable", stats.resumable())
                .add("resumed", stats.resumed())
                .add("timerLagMicros", TimeUnit.NANOSECONDS.toMicros(streaming.timerLagNanos()))
                .add("threads", load.threads())
                .add("peakThreads", load.peakThreads())
                .add("cpuNanos", load.cpuNanos())
                .add("threadCpuNanos", load.threadCpuNanos())
                .add("executor", streaming.executorName())
                .add("settings", Json.createObjectBuilder()
                        .add("pauseMs", current.pause().toMillis())
                        .add("maxStreams", current.maxStreams())
                        .add("maxStreamsPerConnection", current.maxStreamsPerConnection())
                        .add("maxStreamsPerUser", current.maxStreamsPerUser())
                        .add("bufferChunks", current.bufferChunks())
                        .add("maxReplyMs", current.maxReply().toMillis())
                        .add("maxLagMs", current.maxLag().toMillis())
                        .add("resumeWindowMs", current.resumeWindow().toMillis())
                        .add("resumeMaxChunks", current.resumeMaxChunks()));
    }

    /** The history's row counts; empty with history off, or when the database does not answer in time. */
    private Optional<StoredCounts> storedCounts() throws InterruptedException {
        try {
            return history.counts().get(COUNTS_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "/status leaves out the stored rows", e);
            return Optional.empty();
        }
    }
}
