package org.agentstream.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The JDK's {@code jcmd} (of the JVM this runs on, which the servers are started with) against a server's pid. */
final class Jcmd {

    private Jcmd() {
    }

    /** What {@code jcmd <pid> <command...>} printed; an IOException when it failed or printed an error. */
    static String run(long pid, String... command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = Stream.concat(Stream.of(jcmd.toString(), Long.toString(pid)), Stream.of(command))
                .toList();
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0 || output.contains("[ERROR]")) {
            throw new IOException(String.join(" ", line) + " failed: " + output.strip());
        }
        return output;
    }
}
