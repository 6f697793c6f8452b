package org.agentstream.access;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refuses the chat WebSocket handshake (403) to pages from other sites: a browser sends the page's Origin, which
 * must be the chat's own origin, a localhost one, or one the admin allowed. Clients that are not browsers send no
 * Origin and are let through (they could send any Origin they like anyway).
 */
@WebFilter("/chat")
public class OriginFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(OriginFilter.class.getName());
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    @Inject
    private AccessSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || allowed(origin, request)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.log(Level.FINE, "Refused a chat handshake from Origin {0}", origin);
        response.sendError(HttpServletResponse.SC_FORBIDDEN, "Origin not allowed");
    }

    private boolean allowed(String origin, HttpServletRequest request) {
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (settings.allowedOrigins().contains(normalized)) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(normalized);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return false;
        }
        if (LOCAL_HOSTS.contains(uri.getHost())) {
            return true;
        }
        String host = request.getHeader("Host");
        return host != null && normalized.equals(uri.getScheme() + "://" + host.strip().toLowerCase(Locale.ROOT))
                || host != null && uri.getPort() == -1
                        && defaultPortHost(uri).equals(host.strip().toLowerCase(Locale.ROOT));
    }

    private static String defaultPortHost(URI uri) {
        return uri.getHost() + ("https".equals(uri.getScheme()) ? ":443" : ":80");
    }
}
