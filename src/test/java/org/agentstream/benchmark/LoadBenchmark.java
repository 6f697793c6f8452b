package org.agentstream.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agentstream.testing.GapAnalysis;

/**
 * Load client for a running agent-stream server: opens N connections, asks each for one {@code echo} reply of W
 * chunks at the same moment, and prints what the users got: replies completed / busy / lost, first-chunk wait,
 * pacing, batching, lag behind the ideal schedule, and the server's CPU time and threads (from {@code /status}).
 * Not a test: it prints figures and never fails on them. Uses the JDK's WebSocket client, which serves thousands of
 * connections from two threads, so the client takes as little of the shared machine as it can.
 *
 * <p>{@code mvn test-compile exec:java@benchmark -Dbench.connections=1000 -Dbench.chunks=100
 * -Dbench.url=http://localhost:8080/agent-stream/}
 */
public final class LoadBenchmark {

    private static final Pattern TYPE = Pattern.compile("\"type\":\"([a-z_]+)\"");
    private static final Pattern SENT_AT = Pattern.compile("\"sentAt\":([0-9.]+)");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");

    private LoadBenchmark() {
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
        int connections = Integer.getInteger("bench.connections", 100);
        int chunks = Integer.getInteger("bench.chunks", 100);
        double pauseMs = Double.parseDouble(System.getProperty("bench.pause-ms", "10"));
        Duration timeout = Duration.ofSeconds(Long.getLong("bench.timeout-s", 120));
        URI chat = URI.create(base.toString().replaceFirst("^http", "ws") + "chat");

        StringBuilder words = new StringBuilder();
        for (int i = 0; i < chunks; i++) {
            words.append(i == 0 ? "" : " ").append("w").append(i);
        }

        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(30)).build();
        System.out.printf(Locale.ROOT, "agent-stream benchmark: %d connections x %d chunks (echo), against %s%n",
                connections, chunks, base);

        CountDownLatch answered = new CountDownLatch(connections);
        List<Client> clients = new ArrayList<>();
        Semaphore opening = new Semaphore(64);
        List<CompletableFuture<WebSocket>> opened = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Client client = new Client(chunks, answered);
            clients.add(client);
            opening.acquire();
            opened.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(chat, client)
                    .whenComplete((socket, failure) -> opening.release()));
        }
        for (int i = 0; i < connections; i++) {
            clients.get(i).socket = opened.get(i).get(60, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "%d connections open%n", connections);

        Status before = Status.read(http, base);
        ThreadWatch watch = new ThreadWatch(http, base);
        watch.start();
        long start = System.nanoTime();
        long clientCpuBefore = ownCpuNanos();
        for (int i = 0; i < connections; i++) {
            Client client = clients.get(i);
            client.askedAt = System.nanoTime();
            client.socket.sendText("{\"type\":\"message\",\"id\":\"b" + i + "\",\"agent\":\"echo\",\"content\":\""
                    + words + "\"}", true);
        }
        boolean allAnswered = answered.await(timeout.toSeconds(), TimeUnit.SECONDS);
        double wallS = (System.nanoTime() - start) / 1e9;
        double clientCpuS = (ownCpuNanos() - clientCpuBefore) / 1e9;
        watch.stop();
        Status after = Status.read(http, base);

        report(clients, chunks, pauseMs, allAnswered, wallS, before, after, watch.peak());
        System.out.printf(Locale.ROOT, "load client CPU %.1f s (%.0f%% of one core), on the same machine%n",
                clientCpuS, 100 * clientCpuS / wallS);
        for (Client client : clients) {
            client.socket.abort();
        }
        callbacks.shutdownNow();
    }

    private static void report(List<Client> clients, int chunks, double pauseMs, boolean allAnswered, double wallS,
            Status before, Status after, int peakThreads) {
        int complete = 0;
        int busy = 0;
        int lost = 0;
        int other = 0;
        List<Double> firstChunk = new ArrayList<>();
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
            int n = Math.min(client.received, chunks);
            if ("complete".equals(outcome) && client.received != chunks) {
                lost++;
            }
            if (n > 0) {
                firstChunk.add((client.receivedAt[0] - client.askedAt) / 1e6);
            }
            for (int i = 1; i < n; i++) {
                double sendGap = client.sentAt[i] - client.sentAt[i - 1];
                sendGaps.add(sendGap);
                double receiveGap = (client.receivedAt[i] - client.receivedAt[i - 1]) / 1e6;
                receiveGaps++;
                if (GapAnalysis.batched(sendGap, receiveGap)) {
                    batched++;
                }
                lag.add(Math.max(0, (client.receivedAt[i] - client.receivedAt[0]) / 1e6 - i * pauseMs));
            }
        }
        System.out.printf(Locale.ROOT, "replies: %d completed, %d busy, %d lost, %d other (failed, cancelled, "
                + "closed)%s%n", complete, busy, lost, other, allAnswered ? "" : " - TIMED OUT waiting for answers");
        System.out.printf(Locale.ROOT, "first-chunk wait ms: p50 %.1f  p99 %.1f  max %.1f%n",
                pct(firstChunk, 50), pct(firstChunk, 99), pct(firstChunk, 100));
        System.out.printf(Locale.ROOT, "pacing (server send gap) ms: p50 %.2f  p99 %.2f%n", pct(sendGaps, 50),
                pct(sendGaps, 99));
        System.out.printf(Locale.ROOT, "batching: %.2f%% of %d gaps sent %.0f ms or more apart arrived under it%n",
                receiveGaps == 0 ? 0 : 100.0 * batched / receiveGaps, receiveGaps, GapAnalysis.BATCHED_GAP_MS);
        System.out.printf(Locale.ROOT, "lag behind the ideal %.0f ms schedule (receive) ms: p50 %.1f  p99 %.1f  "
                + "max %.1f%n", pauseMs, pct(lag, 50), pct(lag, 99), pct(lag, 100));
        double cpuS = (after.cpuNanos - before.cpuNanos) / 1e9;
        System.out.printf(Locale.ROOT, "run %.1f s; server CPU %.1f s (%.0f%% of one core); server threads at peak "
                + "%d (before the run %d)%n", wallS, cpuS, 100 * cpuS / wallS, peakThreads, before.threads);
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

    /** The server's {@code /status}: CPU time and threads. */
    private record Status(long cpuNanos, int threads) {
        static Status read(HttpClient http, URI base) throws IOException, InterruptedException {
            String body = http.send(HttpRequest.newBuilder(base.resolve("status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return new Status(Long.parseLong(number(body, "cpuNanos")), Integer.parseInt(number(body, "threads")));
        }

        private static String number(String json, String name) {
            Matcher matcher = Pattern.compile("\"" + name + "\":(-?[0-9]+)").matcher(json);
            if (!matcher.find()) {
                throw new IllegalStateException("no " + name + " in " + json);
            }
            return matcher.group(1);
        }
    }

    /** Samples the server's thread count while the load runs. */
    private static final class ThreadWatch {
        private final HttpClient http;
        private final URI base;
        private final AtomicInteger peak = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread sampler;

        ThreadWatch(HttpClient http, URI base) {
            this.http = http;
            this.base = base;
            this.sampler = new Thread(this::sample, "thread-watch");
            sampler.setDaemon(true);
        }

        void start() {
            sampler.start();
        }

        private void sample() {
            while (running) {
                try {
                    peak.accumulateAndGet(Status.read(http, base).threads(), Math::max);
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            sampler.join(5_000);
        }

        int peak() {
            return peak.get();
        }
    }
}
