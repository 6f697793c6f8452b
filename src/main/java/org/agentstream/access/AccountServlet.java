package org.agentstream.access;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The page's side of the form sign-in: {@code /signin} is protected (role {@code chat-user}, see web.xml), so
 * {@link SignInMechanism} asks for the user's name and password, and the form's post to {@code j_security_check},
 * once the mechanism has signed the user in, lands here and goes on to the protected address that asked for it
 * ({@code /signin} sends the user on to the chat); {@code /signout} closes the user's open chat connections (1008,
 * {@code signed_out}) and ends the session; {@code /account} tells the page who is signed in and whether sign-in is
 * required.
 */
@WebServlet({"/signin", "/signout", "/account", SignInMechanism.ACTION})
public class AccountServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(AccountServlet.class.getName());

    @Inject
    private AccessSettings settings;

    @Inject
    private OwnerConnections connections;

    @Inject
    private EndedSessions endedSessions;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getServletPath()) {
            case "/signin" -> response.sendRedirect(request.getContextPath() + "/");
            case "/account" -> account(request, response);
            case "/signout" -> response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "sign out with POST");
            default -> response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "sign in from the form");
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (SignInMechanism.ACTION.equals(request.getServletPath())) {
            response.sendRedirect(returnTo(request));
            return;
        }
        if (!"/signout".equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String user = request.getRemoteUser();
        String owner = user == null ? null : Owners.user(user);
        CloseReason signedOut = CloseReasons.SIGNED_OUT;
        HttpSession ending = request.getSession(false);
        if (ending != null) {
            endedSessions.ended(ending.getId()); // every node refuses it from now on, whatever copy of it they hold
        }
        if (owner != null) {
            // signed out before the connections close: a page that hears of it goes to the form, and must find the
            // session signed out by then (it found it signed in, and went back to the chat, when this came after)
            request.logout();
            List<Session> closed = connections.closeAll(owner, signedOut);
            connections.awaitClosed(closed, OwnerConnections.CLOSES_WITHIN);
            LOG.log(Level.INFO, "{0} signed out; {1} chat connections closed", new Object[] {user, closed.size()});
        }
        endSession(request);
        if (owner != null) {
            connections.closeAll(owner, signedOut); // a tab that reconnected meanwhile, signed in until now
        }
        response.sendRedirect(request.getContextPath() + "/");
    }

    /** Where a signed-in user goes from the form: the protected address that asked them to sign in, else the chat. */
    private static String returnTo(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object saved = session == null ? null : session.getAttribute(SignInMechanism.RETURN_TO);
        if (saved != null) {
            session.removeAttribute(SignInMechanism.RETURN_TO);
        }
        String home = request.getContextPath() + "/";
        return saved instanceof String path && path.startsWith(home) ? path : home;
    }

    private static void endSession(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    private void account(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder account = Json.createObjectBuilder()
                .add("signIn", settings.signInRequired() ? "required" : "off");
        String user = request.getRemoteUser();
        if (user == null) {
            account.addNull("user");
        } else {
            account.add("user", user);
        }
        account.add("chat", user == null ? !settings.signInRequired() : request.isUserInRole(Roles.CHAT_USER))
                .add("admin", user != null && request.isUserInRole(Roles.CHAT_ADMIN));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(account.build().toString());
    }
}
