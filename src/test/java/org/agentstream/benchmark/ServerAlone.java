package org.agentstream.benchmark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.agentstream.testing.fixtures.LocalPostgres;
import org.agentstream.testing.fixtures.PayaraDomain;
import org.agentstream.testing.fixtures.WildFlyBaseDirectory;
import org.agentstream.testing.fixtures.WildFlyCluster;

/**
 * The cluster comparison's server alone, not clustered (so no grid): WildFly on the run command's
 * {@code standalone-agentstream.xml} (configure.cli), Payara Server as a domain's DAS (configure.asadmin), each with
 * the conversations in the cluster's PostgreSQL, repointed by the datasource lines of {@code cluster.cli} or
 * {@code cluster.asadmin}, so that only the grid differs. On ports of its own, sign-in off; made afresh for the run
 * and removed after it.
 */
record ServerAlone(String title, URI base, long pid, AutoCloseable stop) {

    private static final String SIGN_IN = "agentstream.chat.sign-in";
    private static final String WILDFLY_CONFIG = "standalone-agentstream.xml";
    private static final String PAYARA_DOMAIN = "agentstream-bench-alone";
    private static final Duration READY_WITHIN = Duration.ofMinutes(5);

    /**
     * WildFly in {@code target/bench-wildfly-alone} on {@code portOffset}, with the driver the cluster's nodes deploy
     * and their JVM options.
     */
    static ServerAlone wildfly(ComparedServer.Paths paths, Path driver, LocalPostgres database, int portOffset)
            throws IOException, InterruptedException {
        Path base = paths.target().resolve("bench-wildfly-alone");
        WildFlyBaseDirectory.makeFresh(paths.wildflyHome(), base);
        StringBuilder commands = new StringBuilder();
        for (String line : linesOf(paths.basedir().resolve("server-config/wildfly/cluster.cli"),
                line -> line.startsWith("/subsystem=datasources/data-source=AgentStreamDS:"))) {
            commands.append(line).append('\n');
        }
        commands.append("deploy ").append(driver.toAbsolutePath()).append(" --name=postgresql.jar\n");
        commands.append("deploy ").append(paths.war().toAbsolutePath()).append('\n');
        WildFlyBaseDirectory.applyOffline(paths.wildflyHome(), base, WILDFLY_CONFIG, commands.toString());
        ProcessBuilder builder = new ProcessBuilder(paths.wildflyHome().resolve("bin/standalone.sh").toString(),
                "-c", WILDFLY_CONFIG, "-Djboss.server.base.dir=" + base.toAbsolutePath(),
                "-Djboss.socket.binding.port-offset=" + portOffset)
                .redirectErrorStream(true).redirectOutput(base.resolve("console.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", WildFlyCluster.NODE_JAVA_OPTS);
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        builder.environment().put("AGENTSTREAM_DB_URL", database.jdbcUrl());
        builder.environment().put("AGENTSTREAM_DB_USER", database.user());
        builder.environment().put("AGENTSTREAM_DB_PASSWORD", database.password());
        builder.environment().put("AGENTSTREAM_CHAT_SIGN_IN", "off");
        Process process = builder.start();
        URI page = URI.create("http://localhost:" + (8080 + portOffset) + "/agent-stream/");
        try {
            OptionalLong pid = RunningServer.awaitStatus(page, READY_WITHIN, () -> process.isAlive() ? null
                    : "WildFly exited with " + process.exitValue() + " while starting, see " + base
                            + "/console.log");
            long jvm = pid.orElseGet(() -> process.children().mapToLong(ProcessHandle::pid).findFirst()
                    .orElse(process.pid()));
            return new ServerAlone("WildFly alone, " + WILDFLY_CONFIG + ", port offset " + portOffset, page, jvm,
                    () -> RunningServer.stop(process, jvm));
        } catch (IOException | RuntimeException e) {
            RunningServer.stop(process, -1);
            throw e;
        }
    }

    /**
     * Payara Server: the DAS of a domain of its own on {@code portBase} (HTTP {@code portBase + 80}), made by
     * configure.asadmin and cluster.asadmin's driver and pool lines, deleted when it stops.
     */
    static ServerAlone payara(ComparedServer.Paths paths, Path payaraHome, LocalPostgres database, int portBase)
            throws IOException, InterruptedException {
        Path work = paths.target().resolve("bench-payara-alone");
        Files.createDirectories(work);
        Path scripts = paths.basedir().resolve("server-config/payara");
        Path databaseScript = work.resolve("database.asadmin");
        Files.write(databaseScript, linesOf(scripts.resolve("cluster.asadmin"), line -> line.startsWith("add-library ")
                || line.startsWith("set resources.jdbc-connection-pool.AgentStreamPool.")));
        PayaraDomain domain = PayaraDomain.of(payaraHome, PAYARA_DOMAIN,
                List.of(scripts.resolve("configure.asadmin"), databaseScript), paths.target(), portBase);
        domain.delete();
        domain.prepare(false);
        try {
            domain.start();
            // as cluster.asadmin tells an admin to point the pool at the database (asadmin reads ':' as a separator)
            domain.admin(List.of("create-system-properties", "AGENTSTREAM_DB_URL="
                    + database.jdbcUrl().replace(":", "\\:") + ":AGENTSTREAM_DB_USER=" + database.user()
                    + ":AGENTSTREAM_DB_PASSWORD=" + database.password()));
            // a system property wins over configure.asadmin's config property, as for the cluster's instances
            domain.admin(List.of("create-system-properties", SIGN_IN + "=off"));
            domain.admin(List.of("deploy", "--name", "agent-stream", "--contextroot", "agent-stream",
                    paths.war().toAbsolutePath().toString()));
            URI page = URI.create("http://localhost:" + domain.httpPort() + "/agent-stream/");
            RunningServer.awaitStatus(page, READY_WITHIN, () -> null);
            long pid = Long.parseLong(Files.readString(domain.directory().resolve("config/pid")).trim());
            return new ServerAlone("Payara Server alone, the DAS of domain " + PAYARA_DOMAIN + ", HTTP port "
                    + domain.httpPort(), page, pid, domain::delete);
        } catch (IOException | RuntimeException e) {
            domain.delete();
            throw e;
        }
    }

    /** The lines of {@code script} that {@code wanted} picks; at least one, or the script has changed under us. */
    private static List<String> linesOf(Path script, Predicate<String> wanted) throws IOException {
        List<String> lines = Files.readAllLines(script).stream().filter(wanted).toList();
        if (lines.isEmpty()) {
            throw new IOException(script + " has no datasource lines any more: the benchmark's server alone cannot "
                    + "use the cluster's database");
        }
        return lines;
    }
}
