package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The headers every response carries, and that the request goes on to the page as before. */
class SecurityHeadersFilterTest {

    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final AtomicInteger chainCalls = new AtomicInteger();

    /** A plain GET of the page through the filter; the headers it set are in {@link #headers}. */
    private void getPage() throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> null);
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    if ("setHeader".equals(method.getName())) {
                        headers.put((String) args[0], (String) args[1]);
                    } else if (method.getName().startsWith("add") || "sendError".equals(method.getName())) {
                        throw new AssertionError("unexpected " + method.getName() + Arrays.toString(args));
                    }
                    return null;
                });
        new SecurityHeadersFilter().doFilter(request, response, (req, res) -> chainCalls.incrementAndGet());
    }

    @Test
    void aPlainRequestGetsEveryHeaderAndGoesOnOnce() throws Exception {
        getPage();

        assertEquals(1, chainCalls.get(), "the page is served, once");
        assertEquals("nosniff", headers.get("X-Content-Type-Options"));
        assertEquals("DENY", headers.get("X-Frame-Options"));
        assertEquals("same-origin", headers.get("Referrer-Policy"));
        assertEquals(SecurityHeadersFilter.POLICY, headers.get("Content-Security-Policy"));
        assertEquals(4, headers.size(), "nothing else: " + headers);
    }

    @Test
    void thePolicyAllowsNoInlineCodeNoOtherOriginAndNoFraming() throws Exception {
        getPage();
        List<String> directives = Arrays.stream(headers.get("Content-Security-Policy").split(";"))
                .map(String::strip).toList();

        for (String own : List.of("default-src", "script-src", "style-src", "img-src", "connect-src")) {
            assertTrue(directives.contains(own + " 'self'"), own + " is the page's own origin only: " + directives);
        }
        for (String none : List.of("object-src", "base-uri", "frame-ancestors")) {
            assertTrue(directives.contains(none + " 'none'"), none + " allows nothing: " + directives);
        }
        assertTrue(directives.contains("form-action 'self'"), "forms post to the application only");
        String policy = String.join("; ", directives);
        for (String loophole : List.of("unsafe", "*", "http:", "https:", "ws:", "wss:", "data:", "blob:", "nonce-",
                "sha256-")) {
            assertFalse(policy.contains(loophole), "no " + loophole + " in " + policy);
        }
    }
}
