package org.agentstream.chat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/** Logs where the chat page is once the application is deployed, so a person knows what to open. */
@WebListener
public class ChatPageAnnouncer implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatPageAnnouncer.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        int port = Integer.getInteger("jboss.http.port", 8080)
                + Integer.getInteger("jboss.socket.binding.port-offset", 0);
        LOG.info(() -> "agent-stream is deployed. Chat page: http://localhost:" + port
                + event.getServletContext().getContextPath() + "/ (WebSocket: "
                + event.getServletContext().getContextPath() + "/chat)");
    }
}
