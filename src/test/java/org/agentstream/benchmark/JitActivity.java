package org.agentstream.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * How long a HotSpot JVM's JIT compilers have compiled so far ({@code java.ci.totalTime} of its performance counters,
 * read with {@code jcmd PerfCounter.print}), so a warm-up can go on until the compilers are done with the load rather
 * than for a fixed count: with an application server's amount of code the C2 compiler was still busy after 1 500
 * replies, a third of the CPU of the runs that followed.
 */
final class JitActivity {

    private JitActivity() {
    }

    /** The JIT's compile time so far in nanoseconds, or empty when {@code pid} is no HotSpot JVM jcmd can read. */
    static OptionalLong compileNanos(long pid) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "PerfCounter.print")
                    .redirectErrorStream(true).start();
            String counters = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
                return OptionalLong.empty();
            }
            long ticks = counter(counters, "java.ci.totalTime");
            long frequency = counter(counters, "sun.os.hrt.frequency");
            return ticks < 0 || frequency <= 0 ? OptionalLong.empty()
                    : OptionalLong.of((long) (ticks * (1e9 / frequency)));
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
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
