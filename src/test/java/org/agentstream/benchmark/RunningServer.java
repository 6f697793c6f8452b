package org.agentstream.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One compared server started as a child process, its output in target/bench-logs. Stopping it ends its whole
 * process tree (WildFly's standalone.sh starts the JVM as its child), and the process its {@code /status} names.
 */
final class RunningServer {

    private static final Pattern PID = Pattern.compile("\"pid\":([0-9]+)");
    private static final Duration POLL = Duration.ofMillis(250);

    final ComparedServer server;
    final URI base;
    final long pid;
    private final Process process;

    private RunningServer(ComparedServer server, URI base, long pid, Process process) {
        this.server = server;
        this.base = base;
        this.pid = pid;
        this.process = process;
    }

    /**
     * Starts {@code server} on {@code port} and waits, at most {@code readyWithin}, until its {@code /status} answers
     * with its pid. {@code started} hears of the process as soon as it exists, so that it can be stopped even when
     * the wait fails.
     */
    static RunningServer start(ComparedServer server, ComparedServer.Paths paths, int port,
            Map<String, String> properties, Duration readyWithin, List<Process> started)
            throws IOException, InterruptedException {
        Files.createDirectories(paths.logs());
        Path log = paths.logs().resolve(server.key + "-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(server.command(paths, port, properties))
                .directory(paths.basedir().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        String wildflyJavaOptions = System.getProperty("bench.wildfly.java-opts");
        if (server == ComparedServer.WILDFLY && wildflyJavaOptions != null) {
            // in place of standalone.conf's (-Xms64m -Xmx512m and these), e.g. to try another heap or collector
            builder.environment().put("JAVA_OPTS", wildflyJavaOptions + " -Djava.net.preferIPv4Stack=true"
                    + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true");
        }
        // server-config/ gives every setting a value from the environment (WildFly's configure.cli reads
        // AGENTSTREAM_*, and its system properties win over -D), so settings go there too
        properties.forEach((name, value) -> builder.environment().put(
                name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        Process process = builder.start();
        started.add(process);
        URI base = URI.create("http://localhost:" + port + "/agent-stream/");
        try {
            OptionalLong pid = awaitStatus(base, readyWithin, () -> process.isAlive() ? null
                    : server.key + " exited with " + process.exitValue() + " while starting, see " + log);
            if (pid.isPresent()) {
                return new RunningServer(server, base, pid.getAsLong(), process);
            }
            if (server == ComparedServer.PAYARA) {
                // Payara Micro has no user to read /status as; its JVM is the process started here
                return new RunningServer(server, base, process.pid(), process);
            }
            throw new IOException(server.key + "'s /status is behind a sign-in that the build's users do not pass");
        } catch (IOException | RuntimeException e) {
            stop(process, -1);
            throw e;
        }
    }

    /**
     * Waits, at most {@code readyWithin}, until the {@code /status} of the application at {@code base} answers, and
     * gives the pid it names: empty when it answers with its sign-in form, as where no user of the build exists.
     * {@code gone} says why the server will never answer (it exited), or null while it may.
     */
    static OptionalLong awaitStatus(URI base, Duration readyWithin, Supplier<String> gone)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + readyWithin.toNanos();
        while (System.nanoTime() < deadline) {
            String why = gone.get();
            if (why != null) {
                throw new IOException(why);
            }
            HttpResponse<String> status = null;
            try {
                status = StatusPage.get(http, base, Duration.ofSeconds(5));
            } catch (IOException notYet) {
                // not listening yet
            }
            if (status != null && status.statusCode() == 200) {
                Matcher pid = PID.matcher(status.body());
                if (pid.find()) {
                    return OptionalLong.of(Long.parseLong(pid.group(1)));
                }
                if (StatusPage.behindSignIn(status)) {
                    return OptionalLong.empty();
                }
                throw new IOException(base + "status gives no pid (a WAR built before it did? mvn package builds it "
                        + "anew): " + status.body());
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        throw new IOException(base + "status did not answer within " + readyWithin);
    }

    void stop() {
        stop(process, pid);
    }

    /** Ends the process, its descendants and the process {@code pid} (-1: none), each given 30 s to exit. */
    static void stop(Process process, long pid) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        ProcessHandle.of(pid).filter(named -> !tree.contains(named)).ifPresent(tree::add);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
