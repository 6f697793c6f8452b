package org.agentstream.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A JFR recording of one run of a load (warm-ups too) on a server JVM, and each of its threads' CPU time over the
 * same window from {@code /proc} (GC and JIT threads, which JFR's execution samples leave out, included). The server
 * starts with a recording of its own ({@link #START_OPTION}), so that starting this one loads nothing.
 * {@code -Dbench.jfr=<dir>} turns it on ({@code -Dbench.jfr.settings=<file.jfc>} records with other settings than
 * JFR's {@code profile}); {@code jfr print}, {@code jfr summary}, {@code jfr view} and
 * {@code src/benchmark/jfr_breakdown.py} read the files it writes there.
 */
final class ServerProfile {

    /** The option a server JVM starts with under {@code -Dbench.jfr}: JFR running, with the profile settings. */
    static final String START_OPTION = "-XX:StartFlightRecording=name=bench-start,settings=profile,maxage=2m";
    /** {@code /proc} counts CPU time in ticks of 1/USER_HZ s; USER_HZ is 100 on Linux. */
    private static final long MS_PER_TICK = 10;
    private static final String DIRECTORY = System.getProperty("bench.jfr", "");
    /** JFR's {@code profile} samples each thread every 10 ms; a copy of it with 1 ms gives ten times the samples. */
    private static final String SETTINGS = System.getProperty("bench.jfr.settings", "profile");

    private final long pid;
    private final String name;
    private final Path recording;
    private final Map<String, long[]> ticksBefore;

    private ServerProfile(long pid, String name) throws IOException, InterruptedException {
        this.pid = pid;
        this.name = name;
        this.recording = Path.of(DIRECTORY).toAbsolutePath().resolve(name + ".jfr");
        Files.createDirectories(recording.getParent());
        jcmd("JFR.start", "name=" + name, "settings=" + SETTINGS);
        this.ticksBefore = threadTicks(pid);
    }

    static boolean enabled() {
        return !DIRECTORY.isBlank();
    }

    /** Starts recording the server {@code pid} as {@code name} (the files' name), when {@code -Dbench.jfr} is set. */
    static ServerProfile start(long pid, String name) throws IOException, InterruptedException {
        return enabled() ? new ServerProfile(pid, name) : null;
    }

    /**
     * Writes the recording and {@code <name>-threads.txt}: user and system CPU ms per thread name (digits folded),
     * most first.
     */
    Path stop() throws IOException, InterruptedException {
        Map<String, long[]> after = threadTicks(pid);
        jcmd("JFR.stop", "name=" + name, "filename=" + recording);
        Map<String, long[]> used = new TreeMap<>();
        after.forEach((thread, ticks) -> {
            long[] before = ticksBefore.getOrDefault(thread, new long[2]);
            used.put(thread, new long[] {ticks[0] - before[0], ticks[1] - before[1]});
        });
        Files.write(recording.resolveSibling(name + "-threads.txt"), used.entrySet().stream()
                .filter(entry -> entry.getValue()[0] + entry.getValue()[1] > 0)
                .sorted(Comparator.comparingLong(entry -> -entry.getValue()[0] - entry.getValue()[1]))
                .map(entry -> String.format(Locale.ROOT, "%8d ms user %8d ms sys  %s",
                        entry.getValue()[0] * MS_PER_TICK, entry.getValue()[1] * MS_PER_TICK, entry.getKey()))
                .toList());
        return recording;
    }

    private void jcmd(String... command) throws IOException, InterruptedException {
        Jcmd.run(pid, command);
    }

    /** Each thread's user and system CPU ticks, summed by name with its digits folded ({@code GC Thread#N}). */
    private static Map<String, long[]> threadTicks(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(ServerProfile::readTask).filter(task -> task != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue,
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
        }
    }

    private static Map.Entry<String, long[]> readTask(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String thread = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
            return Map.entry(thread, ProcessWatch.userAndSystemTicks(stat));
        } catch (NoSuchFileException endedMeanwhile) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
