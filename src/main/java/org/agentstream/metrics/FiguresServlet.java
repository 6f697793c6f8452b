package org.agentstream.metrics;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.agentstream.config.NodeName;
import org.agentstream.streaming.ClusterMembers;

/**
 * {@code GET /admin/figures}: this node's meters since it started (see {@link LocalFigures#snapshot()}) and the
 * cluster's members, as JSON, for the dashboard ({@code /admin/dashboard.html}) to poll; for {@code chat-admin} only
 * (web.xml). The server's own metrics endpoint has the same meters for a monitoring system.
 */
@WebServlet("/admin/figures")
public class FiguresServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    private ChatMeters meters;

    @Inject
    private ClusterMembers cluster;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder json = Json.createObjectBuilder(meters.figures())
                .add("at", System.currentTimeMillis())
                .add("node", NodeName.ofThisServer())
                .add("recording", meters.enabled())
                .add("system", meters.describe())
                .add("members", cluster.membersAsJson());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.build().toString());
    }
}
