package org.agentstream.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.auth.message.callback.PasswordValidationCallback;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * The form sign-in, with a throttle in front of the server's realm. It does what the container's FORM login did
 * (a protected address shows {@code login.html}; the form posts {@code j_username} and {@code j_password} to
 * {@code j_security_check}; the password is checked by the server's own realm, through the container's
 * {@code PasswordValidationCallback}; the session keeps the user), and before any password is checked it asks
 * {@link SignInFailures} whether that user name and address may try now: past their failed sign-ins they get 429
 * with {@code Retry-After} and {@code login-locked.html}, whatever the password. Being a Jakarta Security
 * mechanism, it replaces the container's FORM login, so no {@code j_security_check} of the container's is left to
 * go around it. How it behaves: docs/configuration.md, Sign-in throttle. A protected page in a folder
 * ({@code /admin/dashboard.html}) sends the browser to {@code /signin?return=…} instead of showing the form at its
 * own address, where the form's relative addresses would miss.
 *
 * <p>The session keeps the user's name only ({@link #SIGNED_IN}, a string, which a cluster's session store carries
 * to any node), and every request of the session names that user to the container again, whose realm supplies their
 * groups, so roles are the realm's on every node. Jakarta Security's {@code @AutoApplySession} kept the container's
 * identity instead, and WildFly's distributable sessions restore it on another node without its roles (403 on the
 * chat there until the user signed in again).
 */
@ApplicationScoped
public class SignInMechanism implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(SignInMechanism.class.getName());
    /** Where the form posts, as for the container's FORM login; {@link AccountServlet} sends the user on from it. */
    static final String ACTION = "/j_security_check";
    /** The session attribute with the protected address that asked for the sign-in, to go back to after it. */
    static final String RETURN_TO = SignInMechanism.class.getName() + ".returnTo";
    /** The session attribute with the signed-in user's name. */
    static final String SIGNED_IN = SignInMechanism.class.getName() + ".user";
    /** The protected address that shows the form; {@code ?return=} names the page to go back to. */
    static final String SIGN_IN = "/signin";
    static final String RETURN_PARAMETER = "return";
    private static final String FORM = "/login.html";
    private static final String FAILED = "/login-failed.html";
    private static final String LOCKED = "/login-locked.html";

    @Inject
    private AccessSettings settings;

    @Inject
    private SignInFailures failures;

    @Inject
    private EndedSessions endedSessions = EndedSessions.ONE_NODE;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) throws AuthenticationException {
        if (ACTION.equals(request.getServletPath()) && "POST".equals(request.getMethod())) {
            return signIn(request, response, context);
        }
        HttpSession session = request.getSession(false);
        if (session != null && endedSessions.hasEnded(session.getId())) {
            session.invalidate(); // ended on another node, whose end this node's copy has not heard of
        }
        String signedIn = signedIn(request);
        if (signedIn != null) {
            try {
                return context.notifyContainerAboutLogin(signedIn, Set.of()); // the realm's groups (class comment)
            } catch (IllegalStateException gone) { // Jakarta Security's report that the container refused the name
                LOG.log(Level.FINE, "The realm no longer knows " + signedIn + ": the session is signed out", gone);
                request.getSession().removeAttribute(SIGNED_IN);
            }
        }
        if (context.isProtected()) {
            if ("GET".equals(request.getMethod())) {
                String asked = returnTo(request);
                remember(request, asked);
                if (request.getServletPath().indexOf('/', 1) > 0) {
                    // the form's addresses (its style, j_security_check) are relative to the application's root
                    return context.redirect(request.getContextPath() + SIGN_IN + "?" + RETURN_PARAMETER + "="
                            + URLEncoder.encode(asked, StandardCharsets.UTF_8));
                }
            }
            return context.forward(FORM);
        }
        return context.doNothing();
    }

    /**
     * Keeps where to go back to after the sign-in in the session. A sign-out on another request of the same session
     * (a page that heard its connection close as signed out goes to the form at once) may be ending that session
     * meanwhile, and WildFly's distributable session manager then refuses it (IllegalStateException): the form is
     * shown all the same, and the sign-in goes back to the chat.
     */
    private static void remember(HttpServletRequest request, String asked) {
        try {
            request.getSession().setAttribute(RETURN_TO, asked);
        } catch (IllegalStateException ending) {
            LOG.log(Level.FINE, "The session ends meanwhile; the sign-in will go back to the chat", ending);
        }
    }

    /**
     * The address to go back to after the sign-in: the one asked for, or, for {@code /signin} (where a protected page
     * in a folder sends the browser), the address it names in {@code return} when that is one of the application's.
     */
    private static String returnTo(HttpServletRequest request) {
        String named = request.getParameter(RETURN_PARAMETER);
        if (SIGN_IN.equals(request.getServletPath()) && named != null
                && named.startsWith(request.getContextPath() + "/") && !named.startsWith("//")
                && named.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '\\')) {
            return named;
        }
        String query = request.getQueryString();
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    private AuthenticationStatus signIn(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) throws AuthenticationException {
        String user = request.getParameter("j_username");
        String password = request.getParameter("j_password");
        if (user == null || user.isEmpty() || password == null) {
            return context.forward(FAILED);
        }
        String address = addressKey(request.getRemoteAddr());
        OptionalLong waitMs = failures.tryAttempt(user, address, settings.signInLimits(), System.nanoTime());
        if (waitMs.isPresent()) {
            LOG.log(Level.FINE, "Sign-in as {0} from {1} refused for {2} ms more",
                    new Object[] {user, address, waitMs.getAsLong()});
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString((waitMs.getAsLong() + 999) / 1000));
            return context.forward(LOCKED);
        }
        if (!realmAccepts(context, user, password)) {
            LOG.log(Level.FINE, "Sign-in as {0} from {1} failed", new Object[] {user, address});
            return context.forward(FAILED);
        }
        failures.succeeded(user, address);
        if (request.getSession(false) != null) {
            request.changeSessionId(); // a session made before the sign-in is not the signed-in one (fixation)
        }
        request.getSession().setAttribute(SIGNED_IN, user);
        return context.notifyContainerAboutLogin(user, Set.of());
    }

    /** Signing out ({@code request.logout()}) forgets the session's user as well as the container's identity. */
    @Override
    public void cleanSubject(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(SIGNED_IN);
        }
        HttpAuthenticationMechanism.super.cleanSubject(request, response, context);
    }

    private static String signedIn(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : session.getAttribute(SIGNED_IN) instanceof String user ? user : null;
    }

    /** Checks the password with the server's realm, through the container's own callback handler. */
    private static boolean realmAccepts(HttpMessageContext context, String user, String password)
            throws AuthenticationException {
        char[] secret = password.toCharArray();
        PasswordValidationCallback check = new PasswordValidationCallback(context.getClientSubject(), user, secret);
        try {
            context.getHandler().handle(new Callback[] {check});
            return check.getResult();
        } catch (IOException | UnsupportedCallbackException e) {
            throw new AuthenticationException("the container could not check the password", e);
        } finally {
            check.clearPassword();
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * The address failures are counted under: the client's address as the container reports it (a proxy's
     * forwarded address only if the admin made the server trust it), IPv6 addresses by their /64 network, since
     * one client usually holds all of one.
     */
    static String addressKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return remoteAddress;
        }
        try {
            byte[] bytes = InetAddress.getByName(remoteAddress).getAddress();
            if (bytes.length != 16) {
                return InetAddress.getByAddress(bytes).getHostAddress(); // an IPv4 address written as IPv6
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)).append(':');
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }
}
