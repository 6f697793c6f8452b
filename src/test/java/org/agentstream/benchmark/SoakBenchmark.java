package org.agentstream.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The soak: a benchmark mode, not a test, that starts a server fresh and runs {@link SoakMix} against it for a set
 * time (60 minutes unless {@code -Dsoak.minutes}), reading the server once a minute ({@link ServerGauges}). At the
 * end it checks that no reply was lost ({@link StoredReplies}), that heap after GC and threads in the last minute are
 * within 10% of the first minute's, that the server's open files are back to where they were before the mix once it
 * is idle again, and that every frame was answered as the protocol says. It writes a CSV, an SVG plot and the
 * verdict into target/soak/, prints them, and fails (a non-zero exit) when a check does not hold.
 *
 * <p>{@code mvn package -DskipTests exec:java@soak -Dsoak.server=wildfly|payara -Dsoak.minutes=10}
 */
public final class SoakBenchmark {

    private static final double WITHIN = 0.10;
    private static final Duration STOP_WITHIN = Duration.ofMinutes(3);
    private static final Duration FILES_BACK_WITHIN = Duration.ofMinutes(3);
    private static final Duration FILES_POLL = Duration.ofSeconds(5);
    private static final int GROWN_SHOWN = 15;
    private static final int SHRUNK_SHOWN = 5;

    private final SoakServer server;
    private final int minutes;
    private final long seed;
    private final PrintStream out = System.out;

    private SoakBenchmark(SoakServer server, int minutes, long seed) {
        this.server = server;
        this.minutes = minutes;
        this.seed = seed;
    }

    public static void main(String[] args) throws Exception {
        String key = System.getProperty("soak.server", "wildfly").trim().toLowerCase(Locale.ROOT);
        int minutes = Integer.getInteger("soak.minutes", 60);
        if (minutes < 1) {
            throw new IllegalArgumentException("soak.minutes is at least 1, not " + minutes);
        }
        long seed = Long.getLong("soak.seed", 1);
        ComparedServer.Paths paths = ComparedServer.Paths.fromSystemProperties();
        Path results = paths.target().resolve("soak");
        Files.createDirectories(results);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path prefix = results.resolve("soak-" + key + "-" + stamp);
        System.out.printf(Locale.ROOT, "agent-stream soak: %d minutes on %s (seed %d), results in %s.*%n", minutes,
                key, seed, prefix);
        List<Process> started = new CopyOnWriteArrayList<>();
        Thread stopServers = new Thread(() -> started.forEach(process -> RunningServer.stop(process, -1)),
                "stop-soak-server");
        Runtime.getRuntime().addShutdownHook(stopServers);
        List<SoakReport.Check> checks;
        try {
            SoakServer server = SoakServer.start(key, paths, started);
            System.out.printf(Locale.ROOT, "%s ready, pid %d, %s%n", server.title(), server.pid(), server.base());
            try {
                checks = new SoakBenchmark(server, minutes, seed).run(prefix);
            } finally {
                server.shutDown();
                System.out.println(server.title() + " stopped");
            }
        } finally {
            started.forEach(process -> RunningServer.stop(process, -1));
            Runtime.getRuntime().removeShutdownHook(stopServers);
        }
        List<String> failed = checks.stream().filter(check -> !check.passed()).map(SoakReport.Check::name).toList();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("soak checks failed: " + String.join(", ", failed));
        }
    }

    private List<SoakReport.Check> run(Path prefix) throws IOException, InterruptedException {
        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            ServerGauges gauges = new ServerGauges(server.pid(), http, server.base());
            List<SoakReport.Row> rows = new ArrayList<>();
            SoakReport.Row before = new SoakReport.Row(SoakReport.Phase.IDLE_BEFORE, 0, 0, gauges.read(), 0, 0);
            Map<String, Integer> filesBefore = ProcessWatch.openFileKinds(server.pid());
            rows.add(print(before));
            SoakLedger ledger = new SoakLedger();
            SoakMix mix = new SoakMix(server.base().toURL(), http, ledger, seed);
            long start = System.nanoTime();
            mix.start();
            Map<String, Long> liveFirst = Map.of();
            Map<String, Long> liveLast = Map.of();
            try {
                long endedBefore = 0;
                double elapsedBefore = 0;
                for (int minute = 1; minute <= minutes; minute++) {
                    long due = start + TimeUnit.MINUTES.toNanos(minute);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                    long ended = ledger.repliesEnded();
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    rows.add(print(new SoakReport.Row(SoakReport.Phase.MIX, minute, elapsed, gauges.read(), ended,
                            (ended - endedBefore) / (elapsed - elapsedBefore))));
                    endedBefore = ended;
                    elapsedBefore = elapsed;
                    if (minute == 1) {
                        liveFirst = gauges.liveBytesByClass();
                    }
                    if (minute == minutes) {
                        liveLast = gauges.liveBytesByClass();
                    }
                }
            } finally {
                mix.stop(STOP_WITHIN);
            }
            double mixS = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "mix over after %.0f s; reading the stored conversations back%n", mixS);
            boolean idle = gauges.awaitIdle(Duration.ofSeconds(30));
            StoredReplies.Outcome stored = StoredReplies.check(server.base().toURL(), http, ledger.conversations(),
                    ledger.replies());
            SoakReport.Row after = new SoakReport.Row(SoakReport.Phase.IDLE_AFTER, minutes + 1,
                    (System.nanoTime() - start) / 1e9, gauges.read(), ledger.repliesEnded(), 0);
            rows.add(print(after));
            gauges.signOut();
            int filesAfter = awaitFilesBack(before.reading().openFiles());
            Map<String, Integer> filesAfterKinds = ProcessWatch.openFileKinds(server.pid());

            List<SoakReport.Check> checks = checks(rows, stored, idle, filesAfter, ledger);
            SoakReport.writeCsv(Path.of(prefix + ".csv"), rows);
            SoakReport.writeSvg(Path.of(prefix + ".svg"), String.format(Locale.ROOT, "agent-stream soak, %s, %d "
                    + "minutes", server.title().replaceFirst(",.*", ""), minutes), rows);
            report(prefix, checks, stored, ledger, filesBefore, filesAfterKinds, changes(liveFirst, liveLast));
            return checks;
        } finally {
            callbacks.shutdownNow();
        }
    }

    private SoakReport.Row print(SoakReport.Row row) {
        ServerGauges.Reading reading = row.reading();
        out.printf(Locale.ROOT, "%-11s min %3d  heap after GC %7.1f MB  threads %4d  open files %4d  RSS %6.0f MB  "
                + "streaming %3d  replies %6d (%.2f/s)  stored: %d conversations, %d messages%n",
                row.phase().name().toLowerCase(Locale.ROOT), row.minute(), reading.heapAfterGcMb(), reading.threads(),
                reading.openFiles(), reading.rssMb(), reading.activeReplies(), row.repliesEnded(),
                row.repliesPerSecond(), reading.conversations(), reading.messages());
        return row;
    }

    /** Polls the server's open files until they are no more than {@code baseline}, at most a few minutes. */
    private int awaitFilesBack(int baseline) throws InterruptedException {
        long deadline = System.nanoTime() + FILES_BACK_WITHIN.toNanos();
        int files = ProcessWatch.openFiles(server.pid());
        while (files > baseline && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(FILES_POLL.toMillis());
            files = ProcessWatch.openFiles(server.pid());
        }
        return files;
    }

    private List<SoakReport.Check> checks(List<SoakReport.Row> rows, StoredReplies.Outcome stored, boolean idle,
            int filesAfter, SoakLedger ledger) {
        List<SoakReport.Row> mix = rows.stream().filter(row -> row.phase() == SoakReport.Phase.MIX).toList();
        ServerGauges.Reading first = mix.get(0).reading();
        ServerGauges.Reading last = mix.get(mix.size() - 1).reading();
        int filesBefore = rows.get(0).reading().openFiles();
        List<SoakReport.Check> checks = new ArrayList<>();
        checks.add(new SoakReport.Check("No reply lost", String.format(Locale.ROOT, "%d replies seen ending, %d "
                + "stored once with the text seen; %d not stored, %d stored twice, %d with another text, %d with "
                + "another status; %d of %d conversations not read whole", stored.seen(), stored.storedOnce(),
                stored.missing(), stored.twice(), stored.otherText(), stored.otherStatus(),
                stored.conversationsUnread(), stored.conversationsRead() + stored.conversationsUnread()),
                "every reply seen ending stored once, with its text", stored.nothingLost()));
        checks.add(new SoakReport.Check("Heap after GC", String.format(Locale.ROOT, "%.1f MB in minute 1, %.1f MB in "
                + "minute %d (%+.1f%%)", first.heapAfterGcMb(), last.heapAfterGcMb(), mix.size(),
                change(first.heapAfterGcMb(), last.heapAfterGcMb())), "within 10% of minute 1's",
                within(first.heapAfterGcMb(), last.heapAfterGcMb())));
        checks.add(new SoakReport.Check("Threads", String.format(Locale.ROOT, "%d in minute 1, %d in minute %d "
                + "(%+.1f%%)", first.threads(), last.threads(), mix.size(), change(first.threads(), last.threads())),
                "within 10% of minute 1's", within(first.threads(), last.threads())));
        checks.add(new SoakReport.Check("Open files", String.format(Locale.ROOT, "%d before the mix, %d at most "
                + "in it, %d after it%s", filesBefore, mix.stream().mapToInt(row -> row.reading().openFiles()).max()
                .orElse(0), filesAfter, idle ? "" : " (a reply still streamed 30 s after the mix)"),
                "back to the count before the mix", filesAfter <= filesBefore));
        checks.add(new SoakReport.Check("Protocol", String.format(Locale.ROOT, "%d problems; %d of %d hostile frames "
                + "answered with their error; %d floods, %d rate_limited; %d resumes; %d replies unfinished",
                ledger.problemCount(), ledger.counted("hostile frames answered with their error"),
                ledger.counted("hostile frames sent"), ledger.counted("floods"), ledger.counted("flood rate_limited"),
                ledger.counted("resumes sent"), ledger.counted("replies unfinished")),
                "every frame answered as the protocol says", ledger.problemCount() == 0
                        && ledger.counted("replies unfinished") == 0 && ledger.counted("floods") > 0));
        return checks;
    }

    private static boolean within(double first, double last) {
        return Math.abs(last - first) <= WITHIN * first;
    }

    private static double change(double first, double last) {
        return 100 * (last - first) / first;
    }

    /** How the live objects of each class changed between two histograms, in bytes, the most grown first. */
    private static List<Map.Entry<String, Long>> changes(Map<String, Long> first, Map<String, Long> last) {
        Map<String, Long> changed = new HashMap<>(last);
        first.forEach((name, bytes) -> changed.merge(name, -bytes, Long::sum));
        return changed.entrySet().stream().filter(change -> change.getValue() != 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
    }

    /**
     * Prints and writes the verdict, what the clients did, the problems, the classes whose objects grew and shrank
     * most, and any open files left behind.
     */
    private void report(Path prefix, List<SoakReport.Check> checks, StoredReplies.Outcome stored, SoakLedger ledger,
            Map<String, Integer> filesBefore, Map<String, Integer> filesAfter, List<Map.Entry<String, Long>> changes)
            throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream report = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            report.printf(Locale.ROOT, "## Soak on %s, %d minutes (seed %d)%n%n", server.title(), minutes, seed);
            SoakReport.printChecks(report, checks);
            report.println();
            report.println("What the clients did:");
            ledger.counts().forEach((what, count) -> report.printf(Locale.ROOT, "- %s: %d%n", what, count));
            if (ledger.problemCount() > 0) {
                report.printf(Locale.ROOT, "%nProblems (%d, the first %d):%n", ledger.problemCount(),
                        ledger.problems().size());
                ledger.problems().forEach(problem -> report.println("- " + problem));
            }
            if (!stored.examples().isEmpty()) {
                report.println();
                report.println("Replies not found as seen:");
                stored.examples().forEach(example -> report.println("- " + example));
            }
            List<Map.Entry<String, Long>> grown = changes.stream().filter(change -> change.getValue() > 0)
                    .limit(GROWN_SHOWN).toList();
            List<Map.Entry<String, Long>> shrunk = changes.stream().filter(change -> change.getValue() < 0)
                    .sorted(Map.Entry.comparingByValue()).limit(SHRUNK_SHOWN).toList();
            if (!changes.isEmpty()) {
                report.println();
                report.printf(Locale.ROOT, "Live objects after a full GC, minute 1 to minute %d: the %d classes that "
                        + "grew most and the %d that shrank most%n", minutes, grown.size(), shrunk.size());
                Stream.concat(grown.stream(), shrunk.stream()).forEach(entry -> report.printf(Locale.ROOT,
                        "- %+.1f KB %s%n", entry.getValue() / 1024.0, entry.getKey()));
            }
            Map<String, Integer> filesGrown = new TreeMap<>();
            filesAfter.forEach((kind, count) -> {
                int more = count - filesBefore.getOrDefault(kind, 0);
                if (more != 0) {
                    filesGrown.put(kind, more);
                }
            });
            filesBefore.forEach((kind, count) -> {
                if (!filesAfter.containsKey(kind)) {
                    filesGrown.put(kind, -count);
                }
            });
            if (!filesGrown.isEmpty()) {
                report.println();
                report.println("Open files after the mix against before, by kind:");
                filesGrown.forEach((kind, more) -> report.printf(Locale.ROOT, "- %+d %s%n", more, kind));
            }
        }
        String verdict = text.toString(StandardCharsets.UTF_8);
        Files.writeString(Path.of(prefix + ".md"), verdict);
        out.println();
        out.print(verdict);
    }
}
