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

    /** The command as a message may show it: the argument after {@code -p} (a password) masked. */
    private static String shown(List<String> command) {
        List<String> shown = new java.util.ArrayList<>(command);
        for (int i = 1; i < shown.size(); i++) {
            if ("-p".equals(shown.get(i - 1))) {
                shown.set(i, "****");
            }
        }
        return shown.toString();
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
                throw new IOException(shown(command) + " still runs after " + MINUTES + " minutes");
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0 && !mayFail) {
                throw new IOException(shown(command) + " failed (" + process.exitValue() + "):\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
