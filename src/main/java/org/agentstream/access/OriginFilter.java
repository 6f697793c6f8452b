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
 * must be the chat's own origin, one the admin allowed, or a localhost one while the chat itself is reached at
 * localhost (a development page on another port); a localhost page cannot open a chat served under another name.
 * Clients that are not browsers send no Origin and are let through (they could send any Origin they like anyway).
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
        String host = request.getHeader("Host");
        if (LOCAL_HOSTS.contains(uri.getHost())) {
            // a page on another port of this machine is not the chat's own, unless the chat itself is at localhost
            return host != null && LOCAL_HOSTS.contains(hostName(host.strip().toLowerCase(Locale.ROOT)));
        }
        return host != null && normalized.equals(uri.getScheme() + "://" + host.strip().toLowerCase(Locale.ROOT))
                || host != null && uri.getPort() == -1
                        && defaultPortHost(uri).equals(host.strip().toLowerCase(Locale.ROOT));
    }

    /** The name in a {@code Host} header, without its port: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}. */
    private static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static String defaultPortHost(URI uri) {
        return uri.getHost() + ("https".equals(uri.getScheme()) ? ":443" : ":80");
    }
}
