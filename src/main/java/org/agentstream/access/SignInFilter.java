package org.agentstream.access;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Checks the chat's WebSocket handshake against the container's sign-in before the endpoint opens: with sign-in
 * required, a handshake from nobody signed in gets 401; a signed-in user without the role {@code chat-user} gets
 * 403 whatever the setting. The user comes from the container (the session the page's form sign-in made), never
 * from anything the client sends.
 */
@WebFilter("/chat")
public class SignInFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    /** The role that may chat. */

    @Inject
    private AccessSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getUserPrincipal() == null) {
            if (settings.signInRequired()) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "sign in first: " + request.getContextPath()
                        + "/signin");
                return;
            }
        } else if (!request.isUserInRole(Roles.CHAT_USER)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "this user may not chat (role " + Roles.CHAT_USER + ")");
            return;
        }
        chain.doFilter(request, response);
    }
}
