package org.agentstream.benchmark;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the soak reads from the server once a minute: its heap after a full collection (the JDK's {@code jcmd}:
 * {@code GC.run}, then {@code GC.heap_info}, in one attach), its threads, resident memory and open files
 * ({@code /proc}), and from its {@code /status} the replies streaming, the replies completed so far and the rows of
 * the stored conversations.
 */
final class ServerGauges {

    /** A generation's or the whole heap's line of GC.heap_info (G1, Parallel, Serial): its used part, in KiB. */
    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");
    /** Parallel's and Serial's young generation, whose line GC.heap_info also shows. */
    private static final Pattern YOUNG_GENERATION = Pattern.compile("^\\s*(PSYoungGen|def new generation)");
    /** G1's young regions, within its one heap line: {@code region size 1024K, 3 young (3072K), 0 survivors}. */
    private static final Pattern G1_YOUNG = Pattern.compile("\\d+ young \\((\\d+)K\\)");
    /** A row of GC.class_histogram: {@code   1:   13029   793856  [B (java.base@17)}. */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Duration STATUS_WITHIN = Duration.ofSeconds(30);

    /** One reading; -1 where /status did not say (the stored rows with history off). */
    record Reading(long atNanos, double heapAfterGcMb, int threads, int openFiles, double rssMb, int activeReplies,
            long completedReplies, long conversations, long messages, long replyChunks) {
    }

    private final long pid;
    private final StatusPage.Reader status;

    ServerGauges(long pid, HttpClient http, URI base) {
        this.pid = pid;
        this.status = new StatusPage.Reader(http, base);
    }

    /** Collects the server's garbage, then reads everything. */
    Reading read() throws IOException, InterruptedException {
        double heapMb = heapAfterFullGcMb();
        ProcessWatch.Sample process = ProcessWatch.read(pid);
        int openFiles = ProcessWatch.openFiles(pid);
        JsonObject figures = statusFigures("");
        JsonObject stored = figures.containsKey("stored") ? figures.getJsonObject("stored") : null;
        return new Reading(System.nanoTime(), heapMb, process.threads(), openFiles, process.rssKb() / 1024.0,
                (int) number(figures, "activeStreams"), number(figures, "completed"),
                number(stored, "conversations"), number(stored, "messages"), number(stored, "replyChunks"));
    }

    /** Waits, at most {@code limit} (30 s at the most), until no reply streams on the server; says if none does. */
    boolean awaitIdle(Duration limit) throws IOException, InterruptedException {
        return statusFigures("?awaitIdleMs=" + limit.toMillis()).getBoolean("idle", false);
    }

    /** Ends the session the readings were made in. */
    void signOut() throws IOException {
        status.signOut();
    }

    private JsonObject statusFigures(String query) throws IOException, InterruptedException {
        HttpResponse<String> answer = status.get(query, STATUS_WITHIN);
        if (answer.statusCode() != 200 || StatusPage.behindSignIn(answer)) {
            throw new IOException("/status answered " + answer.statusCode() + ": " + answer.body());
        }
        return Json.createReader(new StringReader(answer.body())).readObject();
    }

    private static long number(JsonObject figures, String name) {
        return figures != null && figures.get(name) instanceof JsonNumber number ? number.longValue() : -1;
    }

    /**
     * The heap that a full collection ({@code jcmd GC.run}) left in use, in MiB. A full collection leaves every live
     * object in the old generation, so what the young generation holds when GC.heap_info reads it was allocated
     * since, by the replies streaming meanwhile, and is not counted. G1 names its young part in whole regions, so the
     * figure may come out short by less than a region (1 MB at these heap sizes), alike in every reading.
     */
    private double heapAfterFullGcMb() throws IOException, InterruptedException {
        long usedKb = 0;
        boolean found = false;
        for (String line : jcmd("GC.run", "GC.heap_info").lines().toList()) {
            Matcher used = USED.matcher(line);
            if (used.find() && !YOUNG_GENERATION.matcher(line).find()) {
                usedKb += Long.parseLong(used.group(1));
                found = true;
            }
            Matcher young = G1_YOUNG.matcher(line);
            if (young.find()) {
                usedKb -= Long.parseLong(young.group(1));
            }
        }
        if (!found) {
            throw new IOException("GC.heap_info of " + pid + " names no used heap this reads");
        }
        return usedKb / 1024.0;
    }

    /** The live objects of each class after a full collection ({@code jcmd GC.class_histogram}): bytes, by class. */
    Map<String, Long> liveBytesByClass() throws IOException, InterruptedException {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : jcmd("GC.class_histogram").lines().toList()) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            if (row.find()) {
                bytes.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
            }
        }
        return bytes;
    }

    /**
     * Runs the JDK's jcmd (the one of the JVM this runs on, which the servers are started with) against the pid: the
     * commands one after the other in one attach, as its {@code -f} runs a file of them.
     */
    private String jcmd(String... commands) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path file = Files.createTempFile("soak-jcmd", ".commands");
        Path output = Files.createTempFile("soak-jcmd", ".out");
        try {
            Files.write(file, List.of(commands));
            Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), "-f", file.toString()))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jcmd " + pid + " " + List.of(commands) + " still runs after 60 s");
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + List.of(commands) + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(output);
        }
    }
}
