package org.agentstream.testing.doubles;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OpenTelemetry collector's OTLP/HTTP trace receiver on a loopback port, for tests: it accepts every
 * {@code POST /v1/traces} and keeps the bodies. It reads no protobuf: a span's name and its string attributes are
 * in the payload as plain UTF-8, so a test looks for them in the text it received.
 */
public final class FakeCollector implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "fake-collector");
        thread.setDaemon(true);
        return thread;
    });
    private final StringBuilder received = new StringBuilder();
    private int posts;

    private FakeCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeCollector start() throws IOException {
        return new FakeCollector();
    }

    /** The OTLP endpoint an exporter is given: {@code http://127.0.0.1:<port>} (it adds {@code /v1/traces}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Waits until the exports received so far contain every one of {@code texts}, and returns what was received; if
     * they do not within {@code timeout}, returns what was received then, for the test's assertion to show.
     */
    public synchronized String awaitContaining(Duration timeout, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Arrays.stream(texts).allMatch(text -> received.indexOf(text) >= 0)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return describe();
    }

    private String describe() {
        return posts + " export(s) received: " + received.toString().replaceAll("[^\\x20-\\x7e]+", " ");
    }

    private void handle(HttpExchange http) throws IOException {
        byte[] body;
        try (InputStream in = "gzip".equalsIgnoreCase(http.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(http.getRequestBody()) : http.getRequestBody()) {
            body = in.readAllBytes();
        }
        boolean export = "POST".equals(http.getRequestMethod()) && http.getRequestURI().getPath().equals("/v1/traces");
        if (export) {
            synchronized (this) {
                posts++;
                received.append(new String(body, StandardCharsets.UTF_8)).append('\n');
                notifyAll();
            }
        }
        http.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        http.sendResponseHeaders(export ? 200 : 404, -1);
        http.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
