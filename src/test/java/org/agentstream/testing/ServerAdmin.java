package org.agentstream.testing;

import java.io.IOException;
import java.net.URL;

/**
 * Changes settings the way an admin does, through the management interface of the server the ITs run on (chosen
 * by the {@code it.server} system property the build sets), so the same tests run on every server.
 */
public interface ServerAdmin extends AutoCloseable {

    /** Sets a server system property, which the application reads through MicroProfile Config. */
    void setSystemProperty(String name, String value) throws IOException;

    void removeSystemProperty(String name) throws IOException;

    @Override
    void close() throws IOException;

    /** The admin of the server that serves {@code base}. */
    static ServerAdmin of(URL base) throws IOException {
        String server = System.getProperty("it.server", "wildfly");
        return switch (server) {
            case "wildfly" -> WildFlyAdmin.connect();
            case "payara" -> new PayaraAdmin(base);
            default -> throw new IllegalStateException("no admin for server " + server);
        };
    }
}
