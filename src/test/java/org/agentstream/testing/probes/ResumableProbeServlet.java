package org.agentstream.testing.probes;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.agentstream.streaming.StreamingService;

/**
 * Test deployments only: whether the streaming core still holds a reply for resuming ({@code ?messageId=}), so a
 * test can wait until a resume can only be answered from the stored reply.
 */
@WebServlet("/test-support/resumable")
public class ResumableProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    private StreamingService streaming;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(Boolean.toString(streaming.holdsForResume(request.getParameter("messageId"))));
    }
}
