package org.agentstream.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Changes settings the way an admin does, through the management interface of the server the ITs run on (chosen
 * by the {@code it.server} system property the build sets), so the same tests run on every server.
 */
public interface ServerAdmin extends AutoCloseable {

    /**
     * Sets one of agent-stream's settings where that server's admin sets it (WildFly: a system property;
     * Payara: a MicroProfile Config property of the domain); the application reads both through MicroProfile Config.
     */
    void setSetting(String name, String value) throws IOException;

    /** Removes the setting, so the application's default applies again. */
    void removeSetting(String name) throws IOException;

    /**
     * Restarts the server in place (WildFly: {@code :reload}; Payara: {@code restart-domain}), so the application,
     * its beans, the persistence unit and the datasource's pool stop and start again; returns once the application
     * answers again, or fails after {@code timeout}.
     */
    void restart(Duration timeout) throws IOException, InterruptedException, TimeoutException;

    /** The H2 file of the datasource server-config creates, where the conversations are kept. */
    Path historyDatabase() throws IOException;

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
