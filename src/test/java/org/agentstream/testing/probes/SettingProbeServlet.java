package org.agentstream.testing.probes;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.agentstream.config.ServerConfig;

/**
 * Test deployments only: a setting's value as the application reads it now ({@code ?name=}), 204 when it has none,
 * so a test that changed a setting through a config source the application reads at most once a second can wait
 * until the change applies.
 */
@WebServlet("/test-support/setting")
public class SettingProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> value = ServerConfig.getString(request.getParameter("name"));
        if (value.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(value.get());
    }
}
