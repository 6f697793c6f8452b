package org.agentstream.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.LocalPostgres;
import org.agentstream.testing.fixtures.PayaraCluster;
import org.agentstream.testing.fixtures.WildFlyCluster;

/**
 * What a cluster costs over one server: runs the load client against one server alone (not clustered, no grid:
 * {@link ServerAlone}), against the first node of a local cluster directly and through the cluster's balancer (to
 * both nodes), at the same loads, one after the other, and prints the three side by side as a Markdown table of time
 * per chunk, first chunk and CPU per chunk (the server's; the node's; the nodes' and the balancer's), with ratios to
 * the server alone. The cluster is the one a person runs ({@link WildFlyCluster}, {@link PayaraCluster}), started
 * fresh and stopped at the end; the server alone uses its PostgreSQL. Sign-in is off while they run: the load
 * client's connections are anonymous, as the peer comparison's, each its own owner.
 *
 * <p>{@code mvn package -DskipTests exec:java@compare-cluster -Dbench.cluster=wildfly|payara}, with
 * {@code -Dbench.loads=echo:100,echo:1000}, {@code -Dbench.warmup=echo:500,echo:500,echo:500} (each run every way,
 * discarded) and {@code -Dbench.timeout-s=120}. The server alone runs beside the cluster: WildFly on port offset 3300,
 * Payara Server's domain on ports from 27000.
 */
public final class ClusterComparison {

    private static final String SIGN_IN = "agentstream.chat.sign-in";
    /** Nobody else's servers use these (servers.md's ports): the run command's are 1000, 1100 and 1200. */
    private static final List<Integer> WILDFLY_NODE_OFFSETS = List.of(3000, 3100);
    private static final int WILDFLY_BALANCER_OFFSET = 3200;
    private static final int WILDFLY_ALONE_OFFSET = 3300;
    /** The server alone's Payara domain: admin port 27048, HTTP 27080. */
    private static final int PAYARA_ALONE_PORT_BASE = 27000;
    private static final Duration QUIET_WITHIN = Duration.ofSeconds(15);
    private static final Duration OPEN_WITHIN = Duration.ofSeconds(60);
    private static final LoadBenchmark.Load PROBE = LoadBenchmark.Load.of(LoadBenchmark.Load.ECHO, 4, 5);

    /** The three ways in. */
    private enum Way {
        ALONE("one server alone"),
        DIRECT("node 1 directly"),
        BALANCED("through the balancer");

        final String title;

        Way(String title) {
            this.title = title;
        }
    }

    /**
     * A started cluster: its title and its balancer's, where its nodes and its balancer serve the chat, the pids of
     * the nodes' JVMs and the balancer's process, its database, and how to stop it all.
     */
    private record Started(String title, String balancerTitle, List<URI> nodes, URI balancer, List<Long> nodePids,
            long balancerPid, LocalPostgres database, AutoCloseable stop) {
    }

    /** The cluster and the server alone, each way's address and processes. */
    private record Servers(Started cluster, ServerAlone alone) {

        /**
         * The server alone's JVM; node 1's for the direct way; every process of the cluster, the balancer last, for
         * the way through it.
         */
        List<Long> pids(Way way) {
            return switch (way) {
                case ALONE -> List.of(alone.pid());
                case DIRECT -> List.of(cluster.nodePids().get(0));
                case BALANCED -> {
                    List<Long> all = new ArrayList<>(cluster.nodePids());
                    all.add(cluster.balancerPid());
                    yield all;
                }
            };
        }

        URI base(Way way) {
            return switch (way) {
                case ALONE -> alone.base();
                case DIRECT -> cluster.nodes().get(0);
                case BALANCED -> cluster.balancer();
            };
        }
    }

    /** One measured run: its figures and the 1-minute load average before and after it. */
    private record Run(LoadBenchmark.Figures figures, double loadBefore, double loadAfter) {
    }

    private final ComparedServer.Paths paths = ComparedServer.Paths.fromSystemProperties();
    private final Duration timeout = Duration.ofSeconds(Long.getLong("bench.timeout-s", 120));
    private final List<LoadBenchmark.Load> warmup = loads("bench.warmup", "echo:500,echo:500,echo:500");
    private final List<LoadBenchmark.Load> loads = loads("bench.loads", "echo:100,echo:1000");
    private final Map<LoadBenchmark.Load, Map<Way, Run>> runs = new LinkedHashMap<>();
    private final PrintStream out = System.out;

    private ClusterComparison() {
    }

    public static void main(String[] args) throws Exception {
        new ClusterComparison().compare(System.getProperty("bench.cluster", "wildfly").trim().toLowerCase(Locale.ROOT));
    }

    private void compare(String which) throws Exception {
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        out.printf(Locale.ROOT, "== starting the %s cluster (load average %s)%n", which, loadBefore);
        long startedAt = System.nanoTime();
        Started cluster = switch (which) {
            case "wildfly" -> startWildFly();
            case "payara" -> startPayara();
            default -> throw new IllegalArgumentException("bench.cluster is wildfly or payara, not " + which);
        };
        List<AutoCloseable> stops = new CopyOnWriteArrayList<>(List.of(cluster.stop()));
        Thread stopAll = new Thread(() -> stopAll(stops), "stop-benchmark-servers");
        Runtime.getRuntime().addShutdownHook(stopAll);
        Servers servers;
        try {
            out.printf(Locale.ROOT, "== %s ready in %.0f s: nodes %s (pids %s), balancer %s (pid %d)%n",
                    cluster.title(), (System.nanoTime() - startedAt) / 1e9, cluster.nodes(), cluster.nodePids(),
                    cluster.balancer(), cluster.balancerPid());
            startedAt = System.nanoTime();
            ServerAlone alone = switch (which) {
                case "wildfly" -> ServerAlone.wildfly(paths, Path.of(required("bench.postgresql.driver")),
                        cluster.database(), WILDFLY_ALONE_OFFSET);
                default -> ServerAlone.payara(paths, Path.of(required("bench.payara.home")), cluster.database(),
                        PAYARA_ALONE_PORT_BASE);
            };
            stops.add(0, once(alone.stop()));
            servers = new Servers(cluster, alone);
            out.printf(Locale.ROOT, "== %s ready in %.0f s: %s (pid %d)%n", alone.title(),
                    (System.nanoTime() - startedAt) / 1e9, alone.base(), alone.pid());
            awaitAnonymousChat(servers);
            for (LoadBenchmark.Load load : warmup) {
                for (Way way : Way.values()) {
                    run(servers, way, load, "warm-up, discarded");
                }
            }
            for (LoadBenchmark.Load load : loads) {
                for (Way way : Way.values()) {
                    runs.computeIfAbsent(load, any -> new EnumMap<>(Way.class)).put(way, run(servers, way, load, ""));
                }
            }
            awaitQuiet(servers, "stopping");
        } finally {
            stopAll(stops);
            Runtime.getRuntime().removeShutdownHook(stopAll);
        }
        out.println();
        out.println("## " + cluster.title() + ": " + servers.alone().title() + ", node 1 directly and through the "
                + "balancer");
        out.println();
        print(cluster);
    }

    private Started startWildFly() throws IOException, InterruptedException {
        // sign-in off as configure.cli reads it from the environment, which the nodes of this run alone start with
        WildFlyCluster cluster = WildFlyCluster.start(new WildFlyCluster.Settings(paths.wildflyHome(),
                paths.basedir().resolve("server-config/wildfly"), paths.war(),
                Path.of(required("bench.postgresql.driver")), paths.target().resolve("bench-wildfly-cluster"),
                WILDFLY_NODE_OFFSETS, WILDFLY_BALANCER_OFFSET, Map.of("AGENTSTREAM_CHAT_SIGN_IN", "off")));
        try {
            return new Started("WildFly cluster", "WildFly (mod_cluster)",
                    cluster.nodes().stream().map(ClusterNode::chatPage).toList(), cluster.chatPage(),
                    cluster.nodes().stream().map(cluster::pid).toList(), cluster.balancerPid(), cluster.database(),
                    once(cluster));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private Started startPayara() throws IOException, InterruptedException {
        Path config = paths.basedir().resolve("server-config");
        PayaraCluster cluster = PayaraCluster.start(new PayaraCluster.Sources(Path.of(required("bench.payara.home")),
                paths.target(), paths.war(), config.resolve("payara/configure.asadmin"),
                config.resolve("payara/cluster.asadmin"), config.resolve("haproxy/agentstream.cfg")),
                PayaraCluster.Layout.AS_SCRIPTED, Map.of());
        // the domain outlives the run: the instances' system properties go before the cluster stops
        AutoCloseable stop = once(() -> {
            try {
                for (ClusterNode node : cluster.nodes()) {
                    cluster.admin("delete-system-property", "--target", node.name(), SIGN_IN);
                }
            } finally {
                cluster.close();
            }
        });
        try {
            // as an admin does in the console (the instance's System Properties): it applies at once, and a system
            // property wins over configure.asadmin's config property
            for (ClusterNode node : cluster.nodes()) {
                cluster.admin("create-system-properties", "--target", node.name(), SIGN_IN + "=off");
            }
            List<Long> pids = new ArrayList<>();
            for (ClusterNode node : cluster.nodes()) {
                pids.add(cluster.pid(node));
            }
            return new Started("Payara Server cluster", "HAProxy",
                    cluster.nodes().stream().map(ClusterNode::chatPage).toList(), cluster.chatPage(), pids,
                    cluster.balancerPid(), cluster.database(), stop);
        } catch (IOException | RuntimeException e) {
            stop(stop);
            throw e;
        }
    }

    /** {@code close} run once, however often it is asked: by the end of the run and by Ctrl-C. */
    private static AutoCloseable once(AutoCloseable close) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                close.close();
            }
        };
    }

    /** The server alone first, then the cluster. */
    private void stopAll(List<AutoCloseable> stops) {
        stops.forEach(this::stop);
    }

    private void stop(AutoCloseable stop) {
        try {
            stop.close();
        } catch (Exception e) {
            out.println("== a server did not stop cleanly: " + e);
        }
    }

    /**
     * Waits, at most {@link #OPEN_WITHIN}, until anonymous connections get their replies from the server alone, each
     * node and through the balancer: the setting applies to the next connection, on Payara once the domain has passed
     * it on.
     */
    private void awaitAnonymousChat(Servers servers) throws IOException, InterruptedException {
        List<URI> all = new ArrayList<>(List.of(servers.alone().base()));
        all.addAll(servers.cluster().nodes());
        all.add(servers.cluster().balancer());
        long deadline = System.nanoTime() + OPEN_WITHIN.toNanos();
        for (URI base : all) {
            String last = "no answer";
            while (true) {
                try {
                    LoadBenchmark.Figures probe = LoadBenchmark.run(base, servers.pids(Way.DIRECT), PROBE,
                            Duration.ofSeconds(10), new PrintStream(OutputStream.nullOutputStream()));
                    if (probe.complete() == PROBE.connections()) {
                        break;
                    }
                    last = probe.complete() + " of " + PROBE.connections() + " replies complete";
                } catch (IOException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(base + " does not let anonymous connections chat within " + OPEN_WITHIN
                            + " (" + SIGN_IN + " off): " + last);
                }
                Thread.sleep(500);
            }
        }
        out.println("== anonymous connections chat on the server alone, on each node and through the balancer");
    }

    /**
     * Waits, at most {@link #QUIET_WITHIN} each, until every server process of the comparison is quiet: the last
     * run's work done (its replies stored, its grid entries written), before the next run or the stop.
     */
    private void awaitQuiet(Servers servers, String then) throws InterruptedException {
        for (Way any : Way.values()) {
            for (long pid : servers.pids(any)) {
                if (!ProcessWatch.awaitQuiet(pid, QUIET_WITHIN)) {
                    out.printf(Locale.ROOT, "(process %d still busy after %d s, %s anyway)%n", pid,
                            QUIET_WITHIN.toSeconds(), then);
                }
            }
        }
    }

    /** One run one way, once every server process of the comparison is quiet. */
    private Run run(Servers servers, Way way, LoadBenchmark.Load load, String note)
            throws IOException, InterruptedException {
        awaitQuiet(servers, "running");
        out.printf(Locale.ROOT, "-- %s, %s x %d chunks%s%n", way.title, load, load.chunks(),
                note.isEmpty() ? "" : " (" + note + ")");
        double before = loadAverage();
        LoadBenchmark.Figures figures = LoadBenchmark.run(servers.base(way), servers.pids(way), load, timeout, out);
        double after = loadAverage();
        figures.print(out);
        out.printf(Locale.ROOT, "1-minute load average before, after: %.2f, %.2f%n", before, after);
        return new Run(figures, before, after);
    }

    /** The machine's load average over the last minute, from {@code /proc/loadavg}. */
    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
    }

    private void print(Started cluster) {
        out.println("| Load | Figure | " + Way.ALONE.title + " | " + Way.DIRECT.title + " | " + Way.BALANCED.title
                + " | directly / alone | balancer / alone | balancer / directly |");
        out.println("|---|---|---|---|---|---|---|---|");
        runs.forEach((load, byWay) -> {
            String name = String.format(Locale.ROOT, "%s, %d", load.agent(), load.connections());
            Run alone = byWay.get(Way.ALONE);
            Run direct = byWay.get(Way.DIRECT);
            Run balanced = byWay.get(Way.BALANCED);
            row(name, "replies complete / busy / lost", ComparisonTable.replies(alone.figures()),
                    ComparisonTable.replies(direct.figures()), ComparisonTable.replies(balanced.figures()), "", "", "");
            figure(name, "time per chunk p50", "ms", LoadBenchmark.Figures::timePerChunkP50, byWay);
            figure(name, "time per chunk p99", "ms", LoadBenchmark.Figures::timePerChunkP99, byWay);
            figure(name, "first chunk p50", "ms", LoadBenchmark.Figures::firstChunkP50, byWay);
            figure(name, "first chunk p99", "ms", LoadBenchmark.Figures::firstChunkP99, byWay);
            figure(name, "server CPU per chunk", "µs", LoadBenchmark.Figures::serverCpuPerChunkMicros, byWay);
            int nodes = cluster.nodePids().size();
            row(name, "of it the balancer's", "—", "—", withUnit(part(balanced, nodes), "µs"), "", "", "");
            row(name, "of it node 1's / node 2's", "—", "—", IntStream.range(0, nodes)
                    .mapToObj(node -> withUnit(part(balanced, node), "µs")).collect(Collectors.joining(" / ")),
                    "", "", "");
            row(name, "1-minute load average before, after", loadAverages(alone), loadAverages(direct),
                    loadAverages(balanced), "", "", "");
        });
        out.println();
        out.println("Time per chunk: per reply, (last chunk's arrival - first's) / (chunks - 1), percentiles over "
                + "replies; first chunk from the moment the request was sent. Server CPU per chunk: CPU time (user + "
                + "system, from /proc/<pid>/stat) per chunk received, of the server alone's JVM (not clustered: no "
                + "grid), of node 1's JVM for the direct way (the grid log on), and of both nodes' JVMs and the "
                + "balancer (" + cluster.balancerTitle() + ") for the way through it. Ratios: each way's figure over "
                + "the server alone's, and through the balancer over directly. Sign-in off; the server alone uses the "
                + "cluster's PostgreSQL; each way had warm-up runs ("
                + warmup.stream().map(load -> load.agent() + " " + load.connections()).collect(Collectors.joining(", "))
                + ") first, not shown; the three ways ran one after the other at each load.");
    }

    private void figure(String load, String name, String unit, ToDoubleFunction<LoadBenchmark.Figures> value,
            Map<Way, Run> byWay) {
        double alone = value.applyAsDouble(byWay.get(Way.ALONE).figures());
        double direct = value.applyAsDouble(byWay.get(Way.DIRECT).figures());
        double balanced = value.applyAsDouble(byWay.get(Way.BALANCED).figures());
        row(load, name, withUnit(alone, unit), withUnit(direct, unit), withUnit(balanced, unit), ratio(direct, alone),
                ratio(balanced, alone), ratio(balanced, direct));
    }

    private static String ratio(double over, double under) {
        return Double.isFinite(over) && Double.isFinite(under) && under > 0
                ? String.format(Locale.ROOT, "%.2f×", over / under) : "n/a";
    }

    private void row(String load, String name, String... cells) {
        out.println("| " + load + " | " + name + " | " + String.join(" | ", cells) + " |");
    }

    private static String withUnit(double value, String unit) {
        return Double.isFinite(value) && value >= 0 ? ComparisonTable.number(value) + " " + unit : "n/a";
    }

    /** The CPU per chunk of the {@code index}th process the run watched, in µs. */
    private static double part(Run run, int index) {
        return run.figures().serverCpuSEach().size() > index ? run.figures().serverCpuPerChunkMicros(index)
                : Double.NaN;
    }

    private static String loadAverages(Run run) {
        return String.format(Locale.ROOT, "%.2f, %.2f", run.loadBefore(), run.loadAfter());
    }

    private static List<LoadBenchmark.Load> loads(String property, String defaults) {
        return Stream.of(System.getProperty(property, defaults).split(",")).map(LoadBenchmark.Load::parse).toList();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is not set (the pom's "
                    + "compare-cluster execution sets it)");
        }
        return value;
    }
}
