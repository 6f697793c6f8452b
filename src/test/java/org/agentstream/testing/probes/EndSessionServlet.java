package org.agentstream.testing.probes;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * Test deployments only: POST invalidates the request's own HTTP session (the one its cookie names) through the
 * container, as any invalidation is, so a test can end a signed-in session without waiting for its time-out; with
 * {@code ?timeoutSeconds=N} it sets the session's time-out to N seconds instead, so that the container ends it by
 * itself. 204, or 404 when the request has no session.
 */
@WebServlet("/test-support/end-session")
public class EndSessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        if (session == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "the request has no HTTP session");
            return;
        }
        String timeout = request.getParameter("timeoutSeconds");
        if (timeout == null) {
            session.invalidate();
        } else {
            session.setMaxInactiveInterval(Integer.parseInt(timeout));
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}
