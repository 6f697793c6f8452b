package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Failures are counted per IPv4 address, and per /64 network for IPv6, where one client usually holds all of one; a
 * signed-in session keeps the user's name, which names the user to the container again on any node.
 */
class SignInMechanismTest {

    /** The session's attributes, as a cluster's session store carries them to another node. */
    private final Map<String, Object> attributes = new HashMap<>();
    /** What the mechanism told the container: user, groups. */
    private final List<Object> notified = new ArrayList<>();
    private final List<String> forwardedTo = new ArrayList<>();
    private final List<String> redirectedTo = new ArrayList<>();
    /** The request's parameters ({@code return}). */
    private final Map<String, String> parameters = new HashMap<>();

    @Test
    void anIpv4AddressCountsOnItsOwn() {
        assertEquals("127.0.0.1", SignInMechanism.addressKey("127.0.0.1"));
        assertEquals("203.0.113.7", SignInMechanism.addressKey("::ffff:203.0.113.7"), "written as IPv6");
    }

    @Test
    void everyIpv6AddressOfOneSlash64CountsAsOne() {
        String network = SignInMechanism.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        assertEquals("2001:db8:1:2::/64", network);
        assertEquals(network, SignInMechanism.addressKey("2001:0db8:0001:0002:0:0:0:1"));
        assertEquals(network, SignInMechanism.addressKey("[2001:db8:1:2::ffff]"), "as some containers write it");
        assertEquals("0:0:0:0::/64", SignInMechanism.addressKey("0:0:0:0:0:0:0:1"));
    }

    @Test
    void aSessionSignedInOnAnotherNodeNamesItsUserAndLeavesTheGroupsToTheRealm() throws Exception {
        attributes.put(SignInMechanism.SIGNED_IN, "demo"); // a string only: what the session store replicates

        AuthenticationStatus status = new SignInMechanism().validateRequest(request("GET", "/chat"), null, context());

        assertEquals(AuthenticationStatus.SUCCESS, status);
        assertEquals(List.of("demo", Set.of()), notified, "no groups of ours: the container's realm gives its own");
        assertEquals(List.of(), forwardedTo);
    }

    @Test
    void aSessionWithoutAUserIsAskedToSignInOnAProtectedAddress() throws Exception {
        AuthenticationStatus status = new SignInMechanism().validateRequest(request("POST", "/signin"), null,
                context());

        assertEquals(AuthenticationStatus.SEND_CONTINUE, status);
        assertEquals(List.of("/login.html"), forwardedTo);
        assertEquals(List.of(), notified);
    }

    /**
     * The form at a folder's address would post to {@code /admin/j_security_check} and miss its style: the browser is
     * sent to the form at {@code /signin}, which names the page to go back to.
     */
    @Test
    void aProtectedPageInAFolderSendsTheBrowserToTheFormAtTheRoot() throws Exception {
        AuthenticationStatus status = new SignInMechanism().validateRequest(
                request("GET", "/admin/dashboard.html"), null, context());

        assertEquals(AuthenticationStatus.SEND_CONTINUE, status);
        assertEquals(List.of("/agent-stream/signin?return=%2Fagent-stream%2Fadmin%2Fdashboard.html"), redirectedTo);
        assertEquals(List.of(), forwardedTo);
        assertEquals("/agent-stream/admin/dashboard.html", attributes.get(SignInMechanism.RETURN_TO));
    }

    @Test
    void theFormAtSignInGoesBackToAPageOfTheApplicationItNamesAndNowhereElse() throws Exception {
        parameters.put("return", "/agent-stream/admin/dashboard.html");
        new SignInMechanism().validateRequest(request("GET", "/signin"), null, context());
        assertEquals(List.of("/login.html"), forwardedTo);
        assertEquals("/agent-stream/admin/dashboard.html", attributes.get(SignInMechanism.RETURN_TO));

        for (String elsewhere : List.of("https://example.com/", "//example.com/", "/agent-stream/\\example.com",
                "/another-app/")) {
            parameters.put("return", elsewhere);
            new SignInMechanism().validateRequest(request("GET", "/signin"), null, context());
            assertEquals("/agent-stream/signin", attributes.get(SignInMechanism.RETURN_TO), elsewhere);
        }
    }

    @Test
    void signingOutForgetsTheSessionsUser() {
        attributes.put(SignInMechanism.SIGNED_IN, "demo");

        new SignInMechanism().cleanSubject(request("POST", "/signout"), null, context());

        assertNull(attributes.get(SignInMechanism.SIGNED_IN));
    }

    private HttpServletRequest request(String method, String servletPath) {
        HttpSession session = proxy(HttpSession.class, (self, called, args) -> switch (called.getName()) {
            case "getAttribute" -> attributes.get(args[0]);
            case "setAttribute" -> attributes.put((String) args[0], args[1]);
            case "removeAttribute" -> attributes.remove(args[0]);
            default -> null;
        });
        return proxy(HttpServletRequest.class, (self, called, args) -> switch (called.getName()) {
            case "getMethod" -> method;
            case "getServletPath" -> servletPath;
            case "getContextPath" -> "/agent-stream";
            case "getRequestURI" -> "/agent-stream" + servletPath;
            case "getParameter" -> parameters.get(args[0]);
            case "getSession" -> session;
            default -> null;
        });
    }

    private HttpMessageContext context() {
        return proxy(HttpMessageContext.class, (self, called, args) -> switch (called.getName()) {
            case "notifyContainerAboutLogin" -> {
                notified.addAll(List.of(args));
                yield AuthenticationStatus.SUCCESS;
            }
            case "forward" -> {
                forwardedTo.add((String) args[0]);
                yield AuthenticationStatus.SEND_CONTINUE;
            }
            case "redirect" -> {
                redirectedTo.add((String) args[0]);
                yield AuthenticationStatus.SEND_CONTINUE;
            }
            case "isProtected" -> true;
            default -> null;
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(SignInMechanismTest.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }
}
