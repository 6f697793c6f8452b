package org.agentstream.access;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;

/**
 * The session cookie goes with same-site requests only ({@code SameSite=Lax}), so no other site can sign a user out
 * (or in) with a form, and scripts cannot read it. Set through the Servlet 6 API when the application starts (WildFly
 * sent no SameSite from web.xml's {@code cookie-config} attribute); Payara 6 ignores both, and takes it from its
 * glassfish-web.xml ({@code cookieSameSite}).
 */
@WebListener
public class SessionCookiePolicy implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setAttribute("SameSite", "Lax");
        cookie.setHttpOnly(true);
    }
}
