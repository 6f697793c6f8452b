package org.agentstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Build steps' way to run a server's admin tool (asadmin, add-user.sh) to its end and read what it printed. */
final class Commands {

    private static final long MINUTES = 5;

    private Commands() {
    }

    /** Runs {@code command}; its output, or an IOException with the output unless it exits 0 or may fail. */
    static String run(List<String> command, Map<String, String> environment, boolean mayFail)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command + " still runs after " + MINUTES + " minutes");
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0 && !mayFail) {
                throw new IOException(command + " failed (" + process.exitValue() + "):\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
