package org.agentstream.streaming;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * At undeploy or shutdown, ends every reply still held for a client to resume as interrupted, with what it made,
 * while the application's beans are still there to store it: a reply whose connection the container closed would
 * otherwise wait out its resume window in an application that is gone.
 */
@WebListener
public class ReplyShutdown implements ServletContextListener {

    @Inject
    private StreamingService streaming;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        streaming.interruptAll();
    }
}
