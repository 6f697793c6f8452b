package org.agentstream.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
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
 * Runs the same load client against three reference peers (Python asyncio, Node ws, Netty) and against agent-stream
 * on WildFly and on Payara Micro, one server after another, each started fresh as a child process on a free port,
 * and prints a Markdown table of the figures with their ratios to the best peer. Each server gets discarded
 * warm-up runs first, then runs the loads {@code -Dbench.rounds} times (2 by default), and the table shows each
 * figure's median with its lowest and highest. Then, unless {@code -Dbench.overload=false}, ours run again, started
 * with {@code agentstream.stream.max-lag-ms=50}, at the largest echo load.
 *
 * <p>{@code mvn package -DskipTests exec:java@compare}, with
 * {@code -Dbench.servers=python,node,netty,wildfly,payara}, {@code -Dbench.loads=echo:100,...,simulated-model:1000},
 * {@code -Dbench.warmup=echo:500,echo:500,echo:500}, {@code -Dbench.warmup-more=10}, {@code -Dbench.rounds=2},
 * {@code -Dbench.base-port=18080} and {@code -Dbench.timeout-s=120} to change what it runs, and
 * {@code -Dbench.settings=agentstream.history.enabled=false,...} to start ours with other settings than shipped;
 * {@code -Dbench.profile=<dir>} profiles the JVM servers' measured runs with async-profiler (see {@link CpuProfile});
 * {@code -Dbench.jfr=<dir>} records each run of ours (warm-ups too) with JFR there (see {@link ServerProfile});
 * {@code -Dbench.java=<java home>} runs Payara Micro on another JDK.
 */
public final class PeerComparison {

    private static final String LOADS = "echo:100,echo:500,echo:1000,echo:2000,simulated-model:300,"
            + "simulated-model:1000";
    private static final Map<String, String> OVERLOAD_SETTINGS = Map.of("agentstream.stream.max-lag-ms", "50");
    private static final Duration READY_WITHIN = Duration.ofMinutes(4);
    private static final Duration QUIET_WITHIN = Duration.ofSeconds(15);
    /** A warm-up in which the JIT's threads used less than this share of the server's CPU time ends the warm-up. */
    private static final double JIT_SETTLED = 0.05;

    private final ComparedServer.Paths paths = ComparedServer.Paths.fromSystemProperties();
    private final Duration timeout = Duration.ofSeconds(Long.getLong("bench.timeout-s", 120));
    /** Three runs: the JVMs' JIT compilers are still busy after one, which shows as CPU per chunk. */
    private final List<LoadBenchmark.Load> warmup = Stream.of(System.getProperty("bench.warmup",
            "echo:500,echo:500,echo:500").split(",")).map(LoadBenchmark.Load::parse).toList();
    private final int basePort = Integer.getInteger("bench.base-port", 18080);
    /** Two: a second run of every load shows how far one run's figures can be trusted. */
    private final int rounds = Integer.getInteger("bench.rounds", 2);
    /**
     * More warm-ups (of the last one's load) while a server's JIT still compiles more than {@link #JIT_SETTLED} of
     * the run's CPU time, at most this many; 0 for the fixed warm-ups only.
     */
    private final int moreWarmups = Integer.getInteger("bench.warmup-more", 10);
    /** Where CPU profiles of the JVM servers' measured runs go ({@code -Dbench.profile=DIR}), or null for none. */
    private final Path profiles = System.getProperty("bench.profile") == null ? null
            : Path.of(System.getProperty("bench.profile")).toAbsolutePath();
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final ComparisonTable table = new ComparisonTable();
    private final PrintStream out = System.out;

    private PeerComparison() {
    }

    public static void main(String[] args) throws Exception {
        List<ComparedServer> servers = Stream.of(System.getProperty("bench.servers",
                "python,node,netty,wildfly,payara")
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
        String each = rounds == 1 ? "the figure" : "the figure's median over " + rounds + " runs of the load "
                + "(the lowest and highest in brackets where they differ)";
        out.println("Each cell: " + each + " and its ratio to the best peer's (lower is better). Time per chunk: per "
                + "reply, (last chunk's arrival - first's) / (chunks - 1), percentiles over replies. First chunk "
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
            warmUp(running);
            for (int round = 1; round <= rounds; round++) {
                for (LoadBenchmark.Load load : loads) {
                    String note = rounds == 1 ? "" : "round " + round + " of " + rounds;
                    LoadBenchmark.Figures figures = profiles == null || server.peer && server != ComparedServer.NETTY
                            ? run(running, load, note) : profiled(running, load, note, group.apply(load), round);
                    table.add(group.apply(load), label(load), server, figures);
                }
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

    /**
     * The warm-up runs, then more of the last one while the server's JIT compiler (when it is a JVM's) still spends
     * more than {@link #JIT_SETTLED} of the run's CPU time compiling.
     */
    private void warmUp(RunningServer running) throws IOException, InterruptedException {
        for (LoadBenchmark.Load load : warmup) {
            run(running, load, "warm-up, discarded");
        }
        if (warmup.isEmpty() || JitActivity.of(running.pid).isEmpty()) {
            return;
        }
        LoadBenchmark.Load load = warmup.get(warmup.size() - 1);
        for (int more = 1; more <= moreWarmups; more++) {
            JitActivity before = JitActivity.of(running.pid).orElseThrow();
            run(running, load, "warm-up until the JIT settles, discarded");
            JitActivity jit = JitActivity.of(running.pid).orElse(before).since(before);
            out.printf(Locale.ROOT, "(the JIT: %.0f%% of the server's CPU time from the wait before that run to its "
                    + "end, %d methods compiled, %d compiled ones thrown away)%n", 100 * jit.share(), jit.compiles(),
                    jit.invalidated());
            if (jit.share() < JIT_SETTLED) {
                return;
            }
        }
        out.printf(Locale.ROOT, "(%s: the JIT still compiles after %d more warm-ups; measuring anyway)%n",
                running.server.title, moreWarmups);
    }

    /** A measured run with a CPU profile of the server over it, and the profile's breakdown per chunk printed. */
    private LoadBenchmark.Figures profiled(RunningServer running, LoadBenchmark.Load load, String note,
            String group, int round) throws IOException, InterruptedException {
        String name = (running.server.key + "-" + group + "-" + round).replaceAll("[^A-Za-z0-9-]+", "-");
        awaitQuiet(running);
        CpuProfile profile = CpuProfile.start(CpuProfile.library(paths.target()), running.pid,
                profiles.resolve(name + ".collapsed"));
        LoadBenchmark.Figures figures = measure(running, load, note);
        ProfileBreakdown breakdown = new ProfileBreakdown();
        breakdown.add(profile.stop());
        breakdown.print(out, "CPU profile of " + running.server.title + ", " + group + " (" + note + ")",
                Math.max(1, figures.chunks()));
        return figures;
    }

    private LoadBenchmark.Figures run(RunningServer running, LoadBenchmark.Load load, String note)
            throws IOException, InterruptedException {
        awaitQuiet(running);
        return measure(running, load, note);
    }

    private void awaitQuiet(RunningServer running) throws IOException, InterruptedException {
        if (!ProcessWatch.awaitQuiet(running.pid, QUIET_WITHIN)) {
            out.printf(Locale.ROOT, "(%s still busy after %d s, running anyway)%n", running.server.title,
                    QUIET_WITHIN.toSeconds());
        }
    }

    private LoadBenchmark.Figures measure(RunningServer running, LoadBenchmark.Load load, String note)
            throws IOException, InterruptedException {
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
