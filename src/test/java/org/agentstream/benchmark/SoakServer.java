package org.agentstream.benchmark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.agentstream.testing.fixtures.PayaraDomain;

/**
 * The server a soak starts for itself, fresh, with sign-in required as shipped: WildFly from the build's
 * distribution on a free port from 18080 (a port offset, as the comparison starts it), or Payara Server in a domain
 * of its own, {@code agentstream-soak}, on ports from 32000, made for the run (its database emptied, should one be
 * left from a run that was killed) and deleted after it. Either way on ports that no run command and no IT uses.
 */
record SoakServer(String title, URI base, long pid, SoakServer.Stop stop) {

    static final String PAYARA_DOMAIN = "agentstream-soak";
    static final int PAYARA_PORT_BASE = 32000;
    private static final Duration READY_WITHIN = Duration.ofMinutes(5);

    /** How a server stops. */
    interface Stop {
        void stop() throws IOException, InterruptedException;
    }

    /** Starts {@code wildfly} or {@code payara}; {@code started} hears of a child process as soon as it exists. */
    static SoakServer start(String key, ComparedServer.Paths paths, List<Process> started)
            throws IOException, InterruptedException {
        return switch (key) {
            case "wildfly" -> wildfly(paths, started);
            case "payara" -> payara(paths);
            default -> throw new IllegalArgumentException("soak.server is wildfly or payara, not " + key);
        };
    }

    private static SoakServer wildfly(ComparedServer.Paths paths, List<Process> started)
            throws IOException, InterruptedException {
        ComparedServer.WILDFLY.prepare(paths);
        int port = ComparedServer.WILDFLY.freePort(18080);
        RunningServer running = RunningServer.start(ComparedServer.WILDFLY, paths, port, Map.of(), READY_WITHIN,
                started);
        return new SoakServer("WildFly, HTTP port " + port, running.base, running.pid, running::stop);
    }

    private static SoakServer payara(ComparedServer.Paths paths) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("soak.payara.home", paths.target().resolve("payara6").toString()));
        Path script = Path.of(System.getProperty("soak.payara.script",
                paths.basedir().resolve("server-config/payara/configure.asadmin").toString()));
        PayaraDomain domain = PayaraDomain.of(home, PAYARA_DOMAIN, script, paths.target(), PAYARA_PORT_BASE);
        domain.prepare(false);
        domain.stop();
        emptyDatabase(domain.directory().resolve("data"));
        domain.start(paths.war());
        URI base = URI.create("http://localhost:" + domain.httpPort() + "/agent-stream/");
        try {
            OptionalLong pid = RunningServer.awaitStatus(base, READY_WITHIN, () -> null);
            if (pid.isEmpty()) {
                throw new IOException("Payara Server's /status is behind a sign-in that demo does not pass");
            }
            return new SoakServer("Payara Server, domain " + PAYARA_DOMAIN + ", HTTP port " + domain.httpPort(), base,
                    pid.getAsLong(), domain::delete);
        } catch (IOException | RuntimeException e) {
            domain.delete();
            throw e;
        }
    }

    /** Deletes the H2 files of the conversations (data/agentstream.*) of a stopped domain. */
    private static void emptyDatabase(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return;
        }
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith("agentstream.")).toList()) {
                Files.delete(file);
            }
        }
    }

    void shutDown() throws IOException, InterruptedException {
        stop.stop();
    }
}
