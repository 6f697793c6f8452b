package org.agentstream.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a HotSpot JVM's JIT compilers have done so far: the CPU time of its compiler threads (from
 * {@code /proc/<pid>/task}, the threads named {@code C1/C2 CompilerThre…}) beside the whole process's, and how many
 * methods they compiled and
 * how many compiled methods were thrown away again (its performance counters, read with
 * {@code jcmd PerfCounter.print}), so a warm-up can go on until the compilers are done with the load rather than for
 * a fixed count.
 */
record JitActivity(double cpuS, double processCpuS, long compiles, long invalidated) {

    /** The JIT's work so far, or empty when {@code pid} is no HotSpot JVM jcmd can read. */
    static Optional<JitActivity> of(long pid) {
        try {
            String counters = Jcmd.run(pid, "PerfCounter.print");
            long compiles = counter(counters, "sun.ci.totalCompiles");
            double processCpuS = ProcessWatch.read(pid).cpuNanos() / 1e9;
            return compiles < 0 ? Optional.empty() : Optional.of(new JitActivity(compilerCpuS(pid), processCpuS,
                    compiles, Math.max(0, counter(counters, "sun.ci.totalInvalidates"))));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** What the JIT did between {@code before} and this. */
    JitActivity since(JitActivity before) {
        return new JitActivity(cpuS - before.cpuS, processCpuS - before.processCpuS, compiles - before.compiles,
                invalidated - before.invalidated);
    }

    /** The compiler threads' share of the process's CPU time. */
    double share() {
        return processCpuS <= 0 ? 0 : cpuS / processCpuS;
    }

    /** The CPU seconds of the JVM's compiler threads alive now (a thread the JVM ended took its time with it). */
    private static double compilerCpuS(long pid) throws IOException {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = ProcessWatch.name(stat);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks += ProcessWatch.cpuTicks(stat);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return ticks * ProcessWatch.NANOS_PER_TICK / 1e9;
    }

    private static long counter(String counters, String name) {
        for (String line : counters.split("\n")) {
            if (line.startsWith(name + "=")) {
                try {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
