package org.agentstream.testing.probes;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.agentstream.testing.agents.HeldReplies;

/** Test deployments only: lets every reply the {@code held} agent is holding go on; answers how many there were. */
@WebServlet("/test-support/release-held")
public class ReleaseHeldRepliesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    private HeldReplies held;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int released = held.release();
        response.setContentType("text/plain");
        response.getWriter().write(Integer.toString(released));
    }
}
