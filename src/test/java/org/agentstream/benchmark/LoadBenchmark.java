package org.agentstream.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.agentstream.testing.clients.GapAnalysis;

/**
 * Load client for a running server that speaks protocol v1 (agent-stream or a benchmark peer): opens N
 * connections, asks each for one reply at the same moment, and measures what the users got (replies completed /
 * busy / lost, first-chunk wait, time per chunk, lag behind the ideal schedule) and what the server process used,
 * read from {@code /proc} with the pid its {@code /status} gives. Not a test: it reports figures and never fails on
 * them. Uses the JDK's WebSocket client, which serves thousands of connections from two threads, so the client
 * takes as little of the shared machine as it can.
 *
 * <p>{@code mvn test-compile exec:java@benchmark -Dbench.connections=1000 -Dbench.chunks=100
 * -Dbench.agent=echo -Dbench.url=http://localhost:8080/agent-stream/}
 */
public final class LoadBenchmark {

    private static final Pattern TYPE = Pattern.compile("\"type\":\"([a-z_]+)\"");
    private static final Pattern SENT_AT = Pattern.compile("\"sentAt\":([0-9.]+)");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");
    private static final Pattern PID = Pattern.compile("\"pid\":([0-9]+)");

    private LoadBenchmark() {
    }

    /**
     * One load: N connections, each asking {@code agent} for one reply of {@code chunks} chunks. {@code echo}
     * replies with the words sent (the server paces them 10 ms apart); {@code simulated-model} with its 60 words,
     * each after its own 30 ms gap.
     */
    public record Load(String agent, int connections, int chunks) {

        static final String ECHO = "echo";
        static final String MODEL = "simulated-model";
        private static final double ECHO_PAUSE_MS = 10;
        private static final double MODEL_GAP_MS = 30;
        private static final int MODEL_WORDS = 60;
        private static final int ECHO_WORDS = 100;

        public Load {
            if (!ECHO.equals(agent) && !MODEL.equals(agent)) {
                throw new IllegalArgumentException("agent is echo or simulated-model, not " + agent);
            }
        }

        /** {@code echo:1000} or {@code simulated-model:300}: echo asks for 100 words. */
        public static Load parse(String text) {
            String[] parts = text.trim().split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("a load is agent:connections, e.g. echo:1000, not " + text);
            }
            return of(parts[0], Integer.parseInt(parts[1]), ECHO_WORDS);
        }

        /** {@code echoWords} is how many words echo is asked to repeat; simulated-model always has its 60. */
        public static Load of(String agent, int connections, int echoWords) {
            return new Load(agent, connections, MODEL.equals(agent) ? MODEL_WORDS : echoWords);
        }

        /**
         * When chunk {@code seq} would arrive at the earliest, in ms after the request: echo's chunks come one pause
         * apart from the first; the model's one gap apart, its first after a gap too (its gap is longer than the
         * pause, so the pause never delays it).
         */
        double idealMs(int seq) {
            return MODEL.equals(agent) ? (seq + 1) * MODEL_GAP_MS : seq * ECHO_PAUSE_MS;
        }

        double idealGapMs() {
            return MODEL.equals(agent) ? MODEL_GAP_MS : ECHO_PAUSE_MS;
        }

        String content() {
            StringBuilder words = new StringBuilder();
            for (int i = 0; i < (ECHO.equals(agent) ? chunks : 1); i++) {
                words.append(i == 0 ? "" : " ").append("w").append(i);
            }
            return words.toString();
        }

        @Override
        public String toString() {
            return agent + ", " + connections;
        }
    }

    /**
     * What one run measured. Times in ms; {@code timePerChunk*} is per reply, (last chunk's arrival - first
     * chunk's) / (chunks - 1), its percentiles over the replies; {@code lag*} over every chunk of every reply:
     * arrival - request - ideal arrival, at least 0. Server figures are NaN or -1 when its pid is unknown; for a
     * server of several processes they are the processes' sum, and {@code serverCpuSEach} has each one's CPU time.
     */
    public record Figures(Load load, int complete, int busy, int lost, int other, boolean timedOut, long chunks,
            double timePerChunkP50, double timePerChunkP99, double firstChunkP50, double firstChunkP99,
            double firstChunkMax, double lagP50, double lagP99, double lagMax, double sendGapP50, double sendGapP99,
            double batchedPercent, int gaps, double wallS, double serverCpuS, int serverThreadsBefore,
            int serverThreadsPeak, double serverRssPeakMb, double clientCpuS, List<Double> serverCpuSEach) {

        /** The server's CPU time per chunk received, in µs. */
        public double serverCpuPerChunkMicros() {
            return perChunkMicros(serverCpuS);
        }

        /** The CPU time per chunk received of the {@code index}th watched process, in µs. */
        public double serverCpuPerChunkMicros(int index) {
            return perChunkMicros(serverCpuSEach.get(index));
        }

        private double perChunkMicros(double cpuS) {
            return chunks == 0 ? Double.NaN : cpuS * 1e6 / chunks;
        }

        void print(PrintStream out) {
            out.printf(Locale.ROOT, "replies: %d completed, %d busy, %d lost, %d other (failed, cancelled, closed)%s%n",
                    complete, busy, lost, other, timedOut ? " - TIMED OUT waiting for answers" : "");
            out.printf(Locale.ROOT, "first-chunk wait (from the request) ms: p50 %.1f  p99 %.1f  max %.1f%n",
                    firstChunkP50, firstChunkP99, firstChunkMax);
            out.printf(Locale.ROOT, "time per chunk (per reply: first to last arrival / gaps) ms: p50 %.2f  p99 "
                    + "%.2f (ideal %.0f)%n", timePerChunkP50, timePerChunkP99, load.idealGapMs());
            out.printf(Locale.ROOT, "pacing (server send gap) ms: p50 %.2f  p99 %.2f%n", sendGapP50, sendGapP99);
            out.printf(Locale.ROOT, "batching: %.2f%% of %d gaps sent %.0f ms or more apart arrived under it%n",
                    batchedPercent, gaps, GapAnalysis.BATCHED_GAP_MS);
            out.printf(Locale.ROOT, "lag behind the ideal %.0f ms schedule (from the request) ms: p50 %.1f  p99 %.1f"
                    + "  max %.1f%n", load.idealGapMs(), lagP50, lagP99, lagMax);
            out.printf(Locale.ROOT, "run %.1f s; server CPU %.1f s (%.0f%% of one core, %.1f µs per chunk); server "
                    + "threads at peak %d (before the run %d); server RSS at peak %.0f MB%n", wallS, serverCpuS,
                    100 * serverCpuS / wallS, serverCpuPerChunkMicros(), serverThreadsPeak, serverThreadsBefore,
                    serverRssPeakMb);
            if (serverCpuSEach.size() > 1) {
                out.println("server CPU per process, in the order watched: " + serverCpuSEach.stream()
                        .map(cpuS -> String.format(Locale.ROOT, "%.2f s", cpuS)).collect(Collectors.joining(", ")));
            }
            out.printf(Locale.ROOT, "load client CPU %.1f s (%.0f%% of one core), on the same machine%n", clientCpuS,
                    100 * clientCpuS / wallS);
        }
    }

    /** What one connection saw of its one reply. */
    private static final class Client implements WebSocket.Listener {
        final int chunks;
        final double[] sentAt;
        final long[] receivedAt;
        final CountDownLatch answered;
        final StringBuilder partial = new StringBuilder();
        volatile long askedAt;
        int received;
        String outcome;
        WebSocket socket;

        Client(int chunks, CountDownLatch answered) {
            this.chunks = chunks;
            this.sentAt = new double[chunks];
            this.receivedAt = new long[chunks];
            this.answered = answered;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                frame(partial.toString(), now);
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void frame(String text, long now) {
            String type = find(TYPE, text);
            if ("chunk".equals(type)) {
                if (received < chunks) {
                    sentAt[received] = Double.parseDouble(find(SENT_AT, text));
                    receivedAt[received] = now;
                }
                received++;
            } else if ("stream_end".equals(type)) {
                finish(find(STATUS, text));
            } else if ("error".equals(type) && "busy".equals(find(CODE, text))) {
                finish("busy");
            }
        }

        private void finish(String result) {
            if (outcome == null) {
                outcome = result;
                answered.countDown();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (outcome == null) {
                outcome = "closed";
                answered.countDown();
            }
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(System.getProperty("bench.url", "http://localhost:8080/agent-stream/"));
        Load load = Load.of(System.getProperty("bench.agent", Load.ECHO), Integer.getInteger("bench.connections", 100),
                Integer.getInteger("bench.chunks", 100));
        Duration timeout = Duration.ofSeconds(Long.getLong("bench.timeout-s", 120));
        System.out.printf(Locale.ROOT, "agent-stream benchmark: %d connections x %d chunks (%s), against %s%n",
                load.connections(), load.chunks(), load.agent(), base);
        run(base, load, timeout, System.out).print(System.out);
    }

    /**
     * Runs one load against the server at {@code base} (which ends in {@code /}); {@code log} hears of its progress.
     * The server's pid comes from its {@code /status}, or {@code -Dbench.pid} where that has none.
     */
    public static Figures run(URI base, Load load, Duration timeout, PrintStream log)
            throws IOException, InterruptedException {
        return run(base, -1, load, timeout, log);
    }

    /** The same, for a server whose pid is known already ({@code knownPid}; -1: read it from /status). */
    public static Figures run(URI base, long knownPid, Load load, Duration timeout, PrintStream log)
            throws IOException, InterruptedException {
        return run(base, knownPid >= 0 ? List.of(knownPid) : List.of(), load, timeout, log);
    }

    /**
     * The same, for a server of the processes {@code pids} (a cluster's nodes and its balancer), watched together;
     * none: the pid from /status.
     */
    public static Figures run(URI base, List<Long> pids, Load load, Duration timeout, PrintStream log)
            throws IOException, InterruptedException {
        URI chat = URI.create(base.toString().replaceFirst("^http", "ws") + "chat");
        String request = "\",\"agent\":\"" + load.agent() + "\",\"content\":\"" + load.content() + "\"}";
        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            long[] watched = pids.isEmpty() ? LongStream.of(serverPid(http, base)).filter(pid -> pid >= 0).toArray()
                    : pids.stream().mapToLong(Long::longValue).toArray();
            int connections = load.connections();
            CountDownLatch answered = new CountDownLatch(connections);
            List<Client> clients = new ArrayList<>();
            Semaphore opening = new Semaphore(64);
            List<CompletableFuture<WebSocket>> opened = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Client client = new Client(load.chunks(), answered);
                clients.add(client);
                if (!opening.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IOException("connections did not open within 60 s");
                }
                opened.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(chat, client)
                        .whenComplete((socket, failure) -> opening.release()));
            }
            try {
                for (int i = 0; i < connections; i++) {
                    clients.get(i).socket = opened.get(i).get(60, TimeUnit.SECONDS);
                }
                log.printf(Locale.ROOT, "%d connections open%n", connections);

                ProcessWatch watch = watched.length == 0 ? null : ProcessWatch.start(watched);
                long start = System.nanoTime();
                long clientCpuBefore = ownCpuNanos();
                for (int i = 0; i < connections; i++) {
                    Client client = clients.get(i);
                    client.askedAt = System.nanoTime();
                    client.socket.sendText("{\"type\":\"message\",\"id\":\"b" + i + request, true);
                }
                boolean allAnswered = answered.await(timeout.toSeconds(), TimeUnit.SECONDS);
                double wallS = (System.nanoTime() - start) / 1e9;
                double clientCpuS = (ownCpuNanos() - clientCpuBefore) / 1e9;
                ProcessWatch.Usage usage = watch == null ? null : watch.stop();
                return figures(load, clients, !allAnswered, wallS, usage, clientCpuS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("a connection did not open: " + e, e);
            } finally {
                closeAll(opened);
            }
        } finally {
            callbacks.shutdownNow();
        }
    }

    /**
     * Closes every connection with a close frame, as a browser leaves a page, waiting for that at most 10 s, then
     * drops them all. A bare TCP close is not enough for every peer: uvicorn 0.17's wsproto handler never hears of it.
     */
    private static void closeAll(List<CompletableFuture<WebSocket>> opened) throws InterruptedException {
        CompletableFuture<?>[] closing = opened.stream()
                .map(socket -> socket.thenCompose(open -> open.sendClose(WebSocket.NORMAL_CLOSURE, "run over"))
                        .exceptionally(failure -> null))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // those not closed by now are dropped below
        }
        for (CompletableFuture<WebSocket> socket : opened) {
            socket.thenAccept(WebSocket::abort);
        }
    }

    private static Figures figures(Load load, List<Client> clients, boolean timedOut, double wallS,
            ProcessWatch.Usage usage, double clientCpuS) {
        int complete = 0;
        int busy = 0;
        int lost = 0;
        int other = 0;
        long chunks = 0;
        List<Double> firstChunk = new ArrayList<>();
        List<Double> perChunk = new ArrayList<>();
        List<Double> sendGaps = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        int receiveGaps = 0;
        int batched = 0;
        for (Client client : clients) {
            String outcome = client.outcome;
            if (outcome == null) {
                lost++;
                continue;
            }
            switch (outcome) {
                case "complete" -> complete++;
                case "busy" -> busy++;
                default -> other++;
            }
            int n = Math.min(client.received, client.chunks);
            chunks += client.received;
            if ("complete".equals(outcome) && client.received != client.chunks) {
                lost++;
            }
            if (n > 0) {
                firstChunk.add((client.receivedAt[0] - client.askedAt) / 1e6);
            }
            if (n > 1) {
                perChunk.add((client.receivedAt[n - 1] - client.receivedAt[0]) / 1e6 / (n - 1));
            }
            for (int i = 0; i < n; i++) {
                lag.add(Math.max(0, (client.receivedAt[i] - client.askedAt) / 1e6 - load.idealMs(i)));
                if (i == 0) {
                    continue;
                }
                double sendGap = client.sentAt[i] - client.sentAt[i - 1];
                sendGaps.add(sendGap);
                receiveGaps++;
                if (GapAnalysis.batched(sendGap, (client.receivedAt[i] - client.receivedAt[i - 1]) / 1e6)) {
                    batched++;
                }
            }
        }
        return new Figures(load, complete, busy, lost, other, timedOut, chunks, pct(perChunk, 50), pct(perChunk, 99),
                pct(firstChunk, 50), pct(firstChunk, 99), pct(firstChunk, 100), pct(lag, 50), pct(lag, 99),
                pct(lag, 100), pct(sendGaps, 50), pct(sendGaps, 99),
                receiveGaps == 0 ? 0 : 100.0 * batched / receiveGaps, receiveGaps, wallS,
                usage == null ? Double.NaN : usage.cpuNanos() / 1e9, usage == null ? -1 : usage.threadsBefore(),
                usage == null ? -1 : usage.peakThreads(), usage == null ? Double.NaN : usage.peakRssKb() / 1024.0,
                clientCpuS,
                usage == null ? List.of() : usage.cpuNanosEach().stream().map(nanos -> nanos / 1e9).toList());
    }

    /** The pid the server's {@code /status} gives, else {@code -Dbench.pid}, else -1 (no server figures). */
    private static long serverPid(HttpClient http, URI base) throws IOException, InterruptedException {
        String body = StatusPage.get(http, base, Duration.ofSeconds(30)).body();
        String pid = find(PID, body);
        return pid != null ? Long.parseLong(pid) : Long.getLong("bench.pid", -1);
    }

    private static long ownCpuNanos() {
        try {
            return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(
                    new javax.management.ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
        } catch (javax.management.JMException e) {
            return 0;
        }
    }

    private static double pct(List<Double> values, double percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }
}
