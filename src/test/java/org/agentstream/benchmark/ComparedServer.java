package org.agentstream.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.agentstream.testing.fixtures.WildFlyBaseDirectory;

/**
 * The servers the comparison runs the load client against, and how each starts as a child process: three reference
 * peers (src/benchmark) and agent-stream on the two servers the build provisions, in the same fresh state each time.
 */
enum ComparedServer {

    PYTHON("python", "Python asyncio", true),
    NODE("node", "Node ws", true),
    NETTY("netty", "Netty", true),
    WILDFLY("wildfly", "ours WildFly", false),
    PAYARA("payara", "ours Payara", false);

    private static final int WILDFLY_HTTP_PORT = 8080;
    /** The ports of standalone-agentstream.xml's socket bindings, all moved by the same port offset. */
    private static final int[] WILDFLY_PORTS = {8080, 8443, 8009, 9990, 9993, 4712, 4713};

    final String key;
    final String title;
    final boolean peer;

    ComparedServer(String key, String title, boolean peer) {
        this.key = key;
        this.title = title;
        this.peer = peer;
    }

    static ComparedServer byKey(String key) {
        return Stream.of(values()).filter(server -> server.key.equals(key.trim().toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "servers are python, node, netty, wildfly, payara; not " + key));
    }

    /** Where the project and the servers the build provisioned are (set by the pom's exec execution). */
    record Paths(Path basedir, Path target, Path wildflyHome, Path payaraJar, Path war) {

        static Paths fromSystemProperties() {
            Path basedir = Path.of(System.getProperty("bench.basedir", ".")).toAbsolutePath();
            Path target = basedir.resolve("target");
            return new Paths(basedir, target,
                    Path.of(System.getProperty("bench.wildfly.home",
                            target.resolve("wildfly-39.0.1.Final").toString())),
                    Path.of(System.getProperty("bench.payara.jar",
                            target.resolve("payara-micro-6.2025.10.jar").toString())),
                    target.resolve("agent-stream.war"));
        }

        Path logs() {
            return target.resolve("bench-logs");
        }

        Path nettyJars() {
            return target.resolve("bench-netty");
        }
    }

    /** The ports this server listens on when asked to serve HTTP on {@code port}. */
    int[] ports(int port) {
        if (this != WILDFLY) {
            return new int[] {port};
        }
        return IntStream.of(WILDFLY_PORTS).map(wildflyPort -> wildflyPort + port - WILDFLY_HTTP_PORT).toArray();
    }

    /** The first port from {@code from} on where this server finds all its ports free. */
    int freePort(int from) throws IOException {
        for (int port = from; port < from + 1000; port++) {
            if (IntStream.of(ports(port)).allMatch(ComparedServer::free)) {
                return port;
            }
        }
        throw new IOException("no free port for " + key + " from " + from);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Brings what the server runs from into a fresh state: the Node peer's packages, ours a fresh instance; the Netty
     * peer's jars are the build's (mvn package copies them).
     */
    void prepare(Paths paths) throws IOException, InterruptedException {
        switch (this) {
            case PYTHON -> {
            }
            case NETTY -> {
                if (!Files.isDirectory(paths.nettyJars())) {
                    throw new IOException("no " + paths.nettyJars() + ": mvn package copies the Netty peer's jars "
                            + "there");
                }
            }
            case NODE -> {
                Path node = paths.target().resolve("bench-node");
                Files.createDirectories(node);
                for (String file : List.of("package.json", "package-lock.json", "peer-server.js")) {
                    Files.copy(paths.basedir().resolve("src/benchmark/node").resolve(file), node.resolve(file),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                Files.createDirectories(paths.logs());
                Path log = paths.logs().resolve("npm-ci.log");
                Process npm = new ProcessBuilder(System.getProperty("bench.npm", "npm"), "ci", "--no-audit",
                        "--no-fund").directory(node.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
                if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                    npm.destroyForcibly();
                    throw new IOException("npm ci took more than 5 minutes, see " + log);
                }
                if (npm.exitValue() != 0) {
                    throw new IOException("npm ci failed, see " + log);
                }
            }
            case WILDFLY -> {
                Path base = paths.target().resolve("bench-wildfly");
                WildFlyBaseDirectory.makeFresh(paths.wildflyHome(), base);
                Files.copy(paths.war(), base.resolve("deployments").resolve(paths.war().getFileName()));
            }
            case PAYARA -> WildFlyBaseDirectory.deleteTree(paths.target().resolve("bench-payara-root"));
        }
    }

    /**
     * The command that starts this server on {@code port}; ours take {@code properties} as system properties. Payara
     * Micro runs on the JDK at {@code -Dbench.java} (a Java home), else on the one running this, with the options in
     * {@code -Dbench.payara.args} (e.g. {@code --maxHttpThreads 16}) besides its own.
     */
    List<String> command(Paths paths, int port, Map<String, String> properties) {
        List<String> command = new ArrayList<>();
        List<String> systemProperties = properties.entrySet().stream()
                .map(property -> "-D" + property.getKey() + "=" + property.getValue()).toList();
        switch (this) {
            case PYTHON -> command.addAll(List.of(System.getProperty("bench.python", "/usr/bin/python3"),
                    paths.basedir().resolve("src/benchmark/python/peer_server.py").toString(),
                    Integer.toString(port)));
            case NODE -> command.addAll(List.of(System.getProperty("bench.node", "node"),
                    paths.target().resolve("bench-node/peer-server.js").toString(), Integer.toString(port)));
            // a single-file program, compiled as it starts (about a second, before /status answers)
            case NETTY -> command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", paths.nettyJars().resolve("*").toString(),
                    paths.basedir().resolve("src/benchmark/netty/NettyPeer.java").toString(), Integer.toString(port)));
            case WILDFLY -> {
                command.addAll(List.of(paths.wildflyHome().resolve("bin/standalone.sh").toString(),
                        "-c", "standalone-agentstream.xml",
                        "-Djboss.server.base.dir=" + paths.target().resolve("bench-wildfly"),
                        "-Djboss.socket.binding.port-offset=" + (port - WILDFLY_HTTP_PORT)));
                command.addAll(systemProperties);
            }
            case PAYARA -> {
                command.add(Path.of(System.getProperty("bench.java", System.getProperty("java.home")), "bin", "java")
                        .toString());
                if (ServerProfile.enabled()) {
                    command.add(ServerProfile.START_OPTION);
                }
                command.addAll(systemProperties);
                command.addAll(List.of("-jar", paths.payaraJar().toString(),
                        "--deploy", paths.war().toString(), "--contextroot", "agent-stream",
                        "--port", Integer.toString(port), "--nocluster",
                        // configure.asadmin's http-thread-pool size, which Micro takes only on its command line
                        "--maxHttpThreads", "16",
                        "--rootDir", paths.target().resolve("bench-payara-root").toString(),
                        "--postbootcommandfile",
                        paths.basedir().resolve("server-config/payara/configure.asadmin").toString()));
                Stream.of(System.getProperty("bench.payara.args", "").split(" ")).filter(arg -> !arg.isBlank())
                        .forEach(command::add);
            }
        }
        return command;
    }
}
