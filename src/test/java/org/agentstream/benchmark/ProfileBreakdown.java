package org.agentstream.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a server's CPU goes per chunk: the stacks of a {@link CpuProfile}, each put in the first of a few kinds of
 * work it matches (by its thread, else by a frame on it), each kind's CPU time divided by the chunks the load sent.
 *
 * <p>{@code mvn test-compile exec:java@profile-breakdown -Dbench.chunks=10000 -Dbench.profiles=FILE,...} prints the
 * table for profiles written elsewhere; the comparison prints it for its own with {@code -Dbench.profile=DIR}.
 */
public final class ProfileBreakdown {

    /** A kind of work: stacks on a thread whose name matches {@code thread}, or with a frame matching {@code frame}. */
    private record Kind(String name, Pattern thread, Pattern frame) {

        static Kind ofThreads(String name, String thread) {
            return new Kind(name, Pattern.compile(thread), null);
        }

        static Kind ofFrames(String name, String frame) {
            return new Kind(name, null, Pattern.compile(frame));
        }

        boolean matches(String threadName, String stack) {
            return thread != null ? thread.matcher(threadName).find() : frame.matcher(stack).find();
        }
    }

    /** In order: a stack is of the first kind it matches. */
    private static final List<Kind> KINDS = List.of(
            Kind.ofThreads("GC", "GC Thread|G1 |VM Thread|ZGC|GC Conc|Conc#|Shenandoah"),
            Kind.ofThreads("JIT compiler", "CompilerThread|Compiler"),
            Kind.ofFrames("storing conversations (JPA, JDBC, JTA)", "org/agentstream/history/|org/hibernate/"
                    + "|org/eclipse/persistence/|org/h2/|org/postgresql/|com/arjuna/"),
            Kind.ofFrames("inbound frames (read, decode, admit, start)", "ChatEndpoint\\.(receive|open)"
                    + "|FrameCodec\\.decode|org/agentstream/turns/ChatTurns"),
            Kind.ofFrames("frame encoding (JSON)", "org/agentstream/wire/FrameCodec|org/eclipse/yasson"
                    + "|org/eclipse/parsson"),
            Kind.ofFrames("idle-timeout task per frame (Tyrus)", "tyrus/[^;]*[Ii]dle"),
            Kind.ofFrames("flushBatch", "\\.flushBatch"),
            Kind.ofFrames("sendText (the container's send path)", "\\.sendText|WebSocketTransport\\.send"),
            Kind.ofThreads("I/O threads (the container's writes and reads)", "I/O|[Ss]elector|[Gg]rizzly|[Kk]ernel"
                    + "|http-listener|http-thread-pool|EventLoop"),
            Kind.ofFrames("our step (reply, pacing, resume log)", "org/agentstream/"),
            Kind.ofFrames("timer wake-ups and managed tasks", "ThreadPoolExecutor|org/glassfish/enterprise/concurrent"
                    + "|org/jboss/as/ee/concurrent|ManagedThread"));
    private static final String OTHER = "other (JVM, runtime, attach)";

    private final Map<String, Long> nanosByKind = new LinkedHashMap<>();
    private long totalNanos;

    /** Adds one profile's stacks (lines {@code [thread tid=N];frame;frame... nanos}). */
    void add(Path collapsed) throws IOException {
        try (Stream<String> lines = Files.lines(collapsed)) {
            lines.forEach(this::addStack);
        }
    }

    private void addStack(String line) {
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            return;
        }
        long nanos = Long.parseLong(line.substring(space + 1).trim());
        String stack = line.substring(0, space);
        String threadName = stack.startsWith("[") ? stack.substring(1, Math.max(1, stack.indexOf(']'))) : "";
        String kind = KINDS.stream().filter(candidate -> candidate.matches(threadName, stack)).map(Kind::name)
                .findFirst().orElse(OTHER);
        nanosByKind.merge(kind, nanos, Long::sum);
        totalNanos += nanos;
    }

    /** Prints the kinds, most first, as µs per chunk and share, for a profile over {@code chunks} chunks. */
    void print(PrintStream out, String title, long chunks) {
        out.printf(Locale.ROOT, "%n%s: %.1f µs of CPU per chunk in the profile%n%n", title,
                totalNanos / 1e3 / chunks);
        out.println("| Where | µs per chunk | share |");
        out.println("|---|---|---|");
        nanosByKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(kind -> out.printf(Locale.ROOT, "| %s | %.1f | %.0f%% |%n", kind.getKey(),
                        kind.getValue() / 1e3 / chunks, 100.0 * kind.getValue() / Math.max(1, totalNanos)));
    }

    public static void main(String[] args) throws IOException {
        long chunks = Long.getLong("bench.chunks", 10_000);
        ProfileBreakdown breakdown = new ProfileBreakdown();
        List<String> files = List.of(System.getProperty("bench.profiles", "").split(","));
        for (String file : files) {
            breakdown.add(Path.of(file.trim()));
        }
        breakdown.print(System.out, String.join(", ", files) + " (" + chunks + " chunks each)",
                chunks * files.size());
    }
}
