package org.agentstream.access;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;

/**
 * The session cookie goes with same-site requests only ({@code SameSite=Lax}), so no other site can sign a user out
 * (or in) with a form, and scripts cannot read it. Set through the Servlet 6 API when the application starts (WildFly
 * sent no SameSite from web.xml's {@code cookie-config} attribute); Payara 6 ignores both, and takes it from its
 * glassfish-web.xml ({@code cookieSameSite}). Set over https the cookie is also {@code Secure}, so a browser never
 * sends it over plain http: Payara marks it so by itself, WildFly through WEB-INF/undertow-handlers.conf, whose
 * {@code secure-cookie} handler marks every cookie of an https response; not {@code setSecure(true)}, which would
 * cost local runs over plain http their session.
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
