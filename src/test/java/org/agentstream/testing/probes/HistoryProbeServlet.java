package org.agentstream.testing.probes;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.agentstream.history.ConversationRepository;
import org.agentstream.history.HistoryEntry;
import org.agentstream.history.HistoryPage;
import org.agentstream.history.ReplyText;
import org.agentstream.history.UserTurn;

/**
 * Test deployments only: the repository in the server's own transactions, provider and datasource. POST stores a
 * message of {@code owner} and an echo of it as the reply (a new conversation without {@code conversationId}) and
 * answers the conversation's id and the earlier turns' count; GET answers its history as {@code role:content} lines.
 * An unknown or other owner's conversation is a 404.
 */
@WebServlet("/test-support/history")
public class HistoryProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    private ConversationRepository conversations;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        String owner = request.getParameter("owner");
        String content = request.getParameter("content");
        String given = request.getParameter("conversationId");
        String id = given == null ? UUID.randomUUID().toString() : given;
        long now = System.currentTimeMillis();
        Optional<UserTurn> turn = conversations.addUserMessage(owner, id, given == null, "echo", content, "c1", now,
                20);
        if (turn.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        conversations.addReply(id, turn.get().replyPosition(), "echo", ReplyText.whole(content, now * 1_000),
                "complete", UUID.randomUUID().toString(), "c1", now, System.currentTimeMillis());
        response.setContentType("text/plain");
        response.getWriter().write(id + "\n" + turn.get().earlier().size());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<HistoryPage> page = conversations.history(request.getParameter("owner"),
                request.getParameter("conversationId"), 200);
        if (page.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (HistoryEntry entry : page.get().messages()) {
            lines.append(entry.role()).append(':').append(entry.content()).append('\n');
        }
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(lines.toString());
    }
}
