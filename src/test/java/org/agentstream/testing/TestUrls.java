package org.agentstream.testing;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/**
 * The URLs the tests use, always on the loopback interface: a server may report its deployment at the machine's
 * other address (Payara Micro does), and test traffic stays on this machine.
 */
public final class TestUrls {

    private TestUrls() {
    }

    public static URI resolve(URL base, String path) {
        try {
            URI uri = base.toURI();
            URI loopback = new URI(uri.getScheme(), uri.getUserInfo(), "127.0.0.1", uri.getPort(), uri.getPath(),
                    null, null);
            String root = loopback.toString().endsWith("/") ? loopback.toString() : loopback + "/";
            return URI.create(root + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(base.toString(), e);
        }
    }
}
