package org.agentstream.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the same load client against two reference peers (Python asyncio, Node ws) and against agent-stream on
 * WildFly and on Payara Micro, one server after another, each started fresh as a child process on a free port,
 * and prints a Markdown table of the figures with their ratios to the better peer. Each server gets discarded
 * warm-up runs first. Then, unless {@code -Dbench.overload=false}, ours run once more, started with
 * {@code agentstream.stream.max-lag-ms=50}, at the largest echo load.
 *
 * <p>{@code mvn package -DskipTests exec:java@compare}, with {@code -Dbench.servers=python,node,wildfly,payara},
 * {@code -Dbench.loads=echo:100,...,simulated-model:1000}, {@code -Dbench.warmup=echo:500,echo:500,echo:500},
 * {@code -Dbench.base-port=18080} and {@code -Dbench.timeout-s=120} to change what it runs, and
 * {@code -Dbench.settings=agentstream.history.enabled=false,...} to start ours with other settings than shipped;
 * {@code -Dbench.jfr=<dir>} records each run of ours (warm-ups too) with JFR there (see {@link ServerProfile});
 * {@code -Dbench.java=<java home>} runs Payara Micro on another JDK.
 */
public final class PeerComparison {

    private static final String LOADS = "echo:100,echo:500,echo:1000,echo:2000,simulated-model:300,"
            + "simulated-model:1000";
    private static final Map<String, String> OVERLOAD_SETTINGS = Map.of("agentstream.stream.max-lag-ms", "50");
    private static final Duration READY_WITHIN = Duration.ofMinutes(4);
    private static final Duration QUIET_WITHIN = Duration.ofSeconds(15);

    private final ComparedServer.Paths paths = ComparedServer.Paths.fromSystemProperties();
    private final Duration timeout = Duration.ofSeconds(Long.getLong("bench.timeout-s", 120));
    /** Three runs: the JVMs' JIT compilers are still busy after one, which shows as CPU per chunk. */
    private final List<LoadBenchmark.Load> warmup = Stream.of(System.getProperty("bench.warmup",
            "echo:500,echo:500,echo:500").split(",")).map(LoadBenchmark.Load::parse).toList();
    private final int basePort = Integer.getInteger("bench.base-port", 18080);
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final ComparisonTable table = new ComparisonTable();
    private final PrintStream out = System.out;

    private PeerComparison() {
    }

    public static void main(String[] args) throws Exception {
        List<ComparedServer> servers = Stream.of(System.getProperty("bench.servers", "python,node,wildfly,payara")
                .split(",")).map(ComparedServer::byKey).toList();
        List<LoadBenchmark.Load> loads = Stream.of(System.getProperty("bench.loads", LOADS).split(","))
                .map(LoadBenchmark.Load::parse).toList();
        boolean overload = Boolean.parseBoolean(System.getProperty("bench.overload", "true"));
        Map<String, String> settings = new HashMap<>(Stream.of(System.getProperty("bench.settings", "").split(","))
                .filter(setting -> !setting.isBlank()).map(setting -> setting.split("=", 2))
                .collect(Collectors.toUnmodifiableMap(setting -> setting[0].trim(), setting -> setting[1].trim())));
        // the load client's connections are anonymous, as the peers' are: each its own owner, under no user's limits
        settings.putIfAbsent("agentstream.chat.sign-in", "off");
        new PeerComparison().compare(servers, loads, overload, settings);
    }

    private void compare(List<ComparedServer> servers, List<LoadBenchmark.Load> loads, boolean overload,
            Map<String, String> settings) throws InterruptedException {
        Map<String, String> overloadSettings = new HashMap<>(settings);
        overloadSettings.putAll(OVERLOAD_SETTINGS);
        Thread stopAll = new Thread(() -> started.forEach(process -> RunningServer.stop(process, -1)),
                "stop-benchmark-servers");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            for (int i = 0; i < servers.size(); i++) {
                ComparedServer server = servers.get(i);
                runAll(server, basePort + 10 * i, server.peer ? Map.of() : settings, loads, load -> label(load));
            }
            LoadBenchmark.Load largestEcho = loads.stream().filter(load -> LoadBenchmark.Load.ECHO.equals(load.agent()))
                    .reduce((a, b) -> a.connections() >= b.connections() ? a : b).orElse(null);
            if (overload && largestEcho != null) {
                for (int i = 0; i < servers.size(); i++) {
                    if (!servers.get(i).peer) {
                        runAll(servers.get(i), basePort + 10 * i, overloadSettings, List.of(largestEcho),
                                load -> label(load) + ", max-lag 50 ms");
                    }
                }
            }
        } finally {
            started.forEach(process -> RunningServer.stop(process, -1));
            Runtime.getRuntime().removeShutdownHook(stopAll);
        }
        out.println();
        out.println("## Peers and ours, one server at a time on this machine");
        out.println();
        table.print(out, servers);
        out.println();
        out.println("Each cell: the figure (ratio to the better of Python and Node; lower is better). Time per chunk: "
                + "per reply, (last chunk's arrival - first's) / (chunks - 1), percentiles over replies. First chunk "
                + "and lag from the moment the request was sent; lag = arrival - request - ideal arrival (echo: "
                + "seq x 10 ms; simulated-model: (seq + 1) x 30 ms), at least 0, over all chunks. Server CPU, threads "
                + "and RSS from /proc/<pid>, sampled every 200 ms. Rows marked max-lag 50 ms: ours started with "
                + "agentstream.stream.max-lag-ms=50, ratios to the peers' run of the same load. Each server had "
                + "warm-up runs (" + warmup + ") first, not shown."
                + (settings.isEmpty() ? "" : " Ours ran with " + settings + "."));
    }

    private static String label(LoadBenchmark.Load load) {
        return String.format(Locale.ROOT, "%s, %d", load.agent(), load.connections());
    }

    /** Starts the server, warms it up, runs the loads into the table, and stops it whatever happens. */
    private void runAll(ComparedServer server, int preferredPort, Map<String, String> settings,
            List<LoadBenchmark.Load> loads, Function<LoadBenchmark.Load, String> group)
            throws InterruptedException {
        RunningServer running = null;
        try {
            server.prepare(paths);
            int port = server.freePort(preferredPort);
            out.printf(Locale.ROOT, "%n== %s on port %d%s: starting%n", server.title, port,
                    settings.isEmpty() ? "" : " with " + settings);
            long startedAt = System.nanoTime();
            running = RunningServer.start(server, paths, port, settings, READY_WITHIN, started);
            out.printf(Locale.ROOT, "== %s ready in %.1f s, pid %d%n", server.title,
                    (System.nanoTime() - startedAt) / 1e9, running.pid);
            for (LoadBenchmark.Load load : warmup) {
                run(running, load, "warm-up, discarded");
            }
            for (LoadBenchmark.Load load : loads) {
                LoadBenchmark.Figures figures = run(running, load, "");
                table.add(group.apply(load), label(load), server, figures);
            }
        } catch (IOException | RuntimeException e) {
            out.printf(Locale.ROOT, "== %s FAILED: %s%n", server.title, e);
        } finally {
            if (running != null) {
                running.stop();
                out.printf(Locale.ROOT, "== %s stopped%n", server.title);
            }
        }
    }

    private LoadBenchmark.Figures run(RunningServer running, LoadBenchmark.Load load, String note)
            throws IOException, InterruptedException {
        if (!ProcessWatch.awaitQuiet(running.pid, QUIET_WITHIN)) {
            out.printf(Locale.ROOT, "(%s still busy after %d s, running anyway)%n", running.server.title,
                    QUIET_WITHIN.toSeconds());
        }
        out.printf(Locale.ROOT, "-- %s, %s x %d chunks%s%n", running.server.title, load, load.chunks(),
                note.isEmpty() ? "" : " (" + note + ")");
        ServerProfile profile = running.server.peer ? null : ServerProfile.start(running.pid,
                String.format(Locale.ROOT, "%s-%s-%d-%d", running.server.key, load.agent(), load.connections(),
                        System.currentTimeMillis() / 1000));
        LoadBenchmark.Figures figures = LoadBenchmark.run(running.base, running.pid, load, timeout, out);
        figures.print(out);
        if (profile != null) {
            out.printf(Locale.ROOT, "(JFR recording %s)%n", profile.stop());
        }
        return figures;
    }
}
