package org.agentstream.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A server process as Linux's {@code /proc} shows it: CPU time, threads and resident memory, sampled every 200 ms
 * while a load runs, and its open files. The same measure for every server, whatever it runs on (a JVM, CPython,
 * Node); a server of several processes (a cluster's nodes and its balancer) is watched as their sum.
 */
final class ProcessWatch {

    /** {@code /proc/<pid>/stat} counts CPU time in clock ticks of 1/USER_HZ s; USER_HZ is 100 on Linux. */
    static final long NANOS_PER_TICK = 10_000_000;
    private static final long SAMPLE_MS = 200;
    /** {@code socket:[12345]} or {@code pipe:[12345]}: the kind without its inode. */
    private static final Pattern SPECIAL_FILE = Pattern.compile("^(socket|pipe):\\[[0-9]+\\]$");

    private final long[] pids;
    private final List<Sample> before;
    private final ScheduledExecutorService sampler;
    private volatile int peakThreads;
    private volatile long peakRssKb;

    private ProcessWatch(long[] pids) {
        this.pids = pids.clone();
        this.before = readAll();
        Sample together = sum(before);
        this.peakThreads = together.threads();
        this.peakRssKb = together.rssKb();
        this.sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "process-watch-" + Arrays.toString(pids));
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(this::sample, SAMPLE_MS, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    /** One reading of the process. */
    record Sample(long cpuNanos, int threads, long rssKb) {
    }

    /**
     * What the processes used together while they were watched; {@code cpuNanosEach} is each one's CPU time, in the
     * order they were given.
     */
    record Usage(long cpuNanos, int threadsBefore, int peakThreads, long peakRssKb, List<Long> cpuNanosEach) {
    }

    /** Starts sampling the processes now. */
    static ProcessWatch start(long... pids) {
        return new ProcessWatch(pids);
    }

    /** Stops sampling, with a last reading. */
    Usage stop() {
        sampler.shutdownNow();
        List<Sample> after = readAll();
        List<Long> cpuEach = IntStream.range(0, pids.length)
                .mapToObj(i -> after.get(i).cpuNanos() - before.get(i).cpuNanos()).toList();
        Sample total = sum(after);
        return new Usage(cpuEach.stream().mapToLong(Long::longValue).sum(), sum(before).threads(),
                Math.max(peakThreads, total.threads()), Math.max(peakRssKb, total.rssKb()), cpuEach);
    }

    private List<Sample> readAll() {
        return Arrays.stream(pids).mapToObj(ProcessWatch::read).toList();
    }

    private static Sample sum(List<Sample> samples) {
        return new Sample(samples.stream().mapToLong(Sample::cpuNanos).sum(),
                samples.stream().mapToInt(Sample::threads).sum(), samples.stream().mapToLong(Sample::rssKb).sum());
    }

    private void sample() {
        try {
            Sample now = sum(readAll());
            peakThreads = Math.max(peakThreads, now.threads());
            peakRssKb = Math.max(peakRssKb, now.rssKb());
        } catch (UncheckedIOException e) {
            sampler.shutdown();
        }
    }

    /**
     * Waits until the process uses less than a twentieth of a core over one sample period (the sockets of the last
     * run closed, its collections done), at most {@code limit}; says whether it became quiet.
     */
    static boolean awaitQuiet(long pid, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long cpu = read(pid).cpuNanos();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(SAMPLE_MS);
            long next = read(pid).cpuNanos();
            if (next - cpu < TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS) / 20) {
                return true;
            }
            cpu = next;
        }
        return false;
    }

    /** How many files the process holds open (sockets, pipes and the like included): its {@code /proc/<pid>/fd}. */
    static int openFiles(long pid) {
        return openFileKinds(pid).values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The process's open files by what they are: a path, or the kind of a socket, pipe or other special file
     * ({@code socket}, {@code pipe}, {@code anon_inode:[eventpoll]}), with how many of each; a file closed while
     * this reads is left out.
     */
    static Map<String, Integer> openFileKinds(long pid) {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path file : files.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(file).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                kinds.merge(SPECIAL_FILE.matcher(target).replaceFirst("$1"), 1, Integer::sum);
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("process " + pid + " is gone", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kinds;
    }

    /** The CPU time, in clock ticks, of a process's or thread's {@code stat} line. */
    static long cpuTicks(String stat) {
        long[] userAndSystem = userAndSystemTicks(stat);
        return userAndSystem[0] + userAndSystem[1];
    }

    /** The name a process or thread has in its {@code stat} line. */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    static Sample read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long ticks = cpuTicks(Files.readString(proc.resolve("stat")));
            int threads = 0;
            long rssKb = 0;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                } else if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
            return new Sample(ticks * NANOS_PER_TICK, threads, rssKb);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("process " + pid + " is gone", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user and system CPU time in a {@code /proc/<pid>/stat} (or a thread's {@code task/<tid>/stat}), in ticks. */
    static long[] userAndSystemTicks(String stat) {
        // the fields after the command name, which is in parentheses and may hold spaces: state is field 3
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])}; // utime (14), stime (15)
    }
}
