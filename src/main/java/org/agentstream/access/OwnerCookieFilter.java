package org.agentstream.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a browser that opens the chat page an anonymous owner key for its conversations: a random HttpOnly cookie,
 * sent back with the chat's WebSocket handshake (same origin), so the conversations survive a reload and belong to
 * that browser alone. Signing in (a later step) will replace it with the user's principal.
 */
@WebFilter("/*")
public class OwnerCookieFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String COOKIE = "agentstream-owner";
    private static final Pattern KEY_IN_HEADER =
            Pattern.compile("(?:^|;)\\s*" + COOKIE + "=([A-Za-z0-9_-]{32})(?:;|$)");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ONE_YEAR_S = 365 * 24 * 3600;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getServletPath();
        Enumeration<String> cookies = request.getHeaders("Cookie");
        if (!"/chat".equals(path) && !"/status".equals(path)
                && keyIn(cookies == null ? List.of() : Collections.list(cookies)).isEmpty()) {
            Cookie cookie = new Cookie(COOKIE, newKey());
            cookie.setHttpOnly(true);
            cookie.setSecure(request.isSecure());
            cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
            cookie.setMaxAge(ONE_YEAR_S);
            cookie.setAttribute("SameSite", "Strict");
            response.addCookie(cookie);
        }
        chain.doFilter(request, response);
    }

    /** The owner key in {@code Cookie} header values, if one is there and well formed. */
    public static Optional<String> keyIn(List<String> cookieHeaders) {
        for (String header : cookieHeaders) {
            Matcher key = KEY_IN_HEADER.matcher(header);
            if (key.find()) {
                return Optional.of(key.group(1));
            }
        }
        return Optional.empty();
    }

    /** 24 random bytes, 32 URL-safe characters. */
    public static String newKey() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
