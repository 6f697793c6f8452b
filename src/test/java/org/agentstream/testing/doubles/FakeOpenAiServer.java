package org.agentstream.testing.doubles;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * An OpenAI-compatible chat-completions server on a loopback port, for tests: {@code POST /v1/chat/completions}
 * with {@code "stream":true} answers as OpenAI does (server-sent {@code chat.completion.chunk} events, then
 * {@code [DONE]}), or with an OpenAI-style error. What it answers is scripted: tokens at a gap, an error status, a
 * stall, a cut connection, a streamed tool call (then, for the request that brings its result, another script).
 * Each exchange records the request and how it ended, including whether the client closed the connection before the
 * stream was over.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** How an exchange ended. */
    public enum Ending {
        /** The whole stream, through {@code [DONE]}, or the whole error body was written. */
        COMPLETED,
        /** The client closed the connection while the server still had something to send. */
        CLIENT_CLOSED,
        /** The server cut the connection mid-stream, as scripted. */
        CUT,
        /** The server was stopped while the exchange was open. */
        SERVER_STOPPED
    }

    /**
     * What to answer. {@code reasoning} deltas ({@code reasoning_content}, as DeepSeek-style servers stream them) then
     * {@code tokens} are streamed {@code gap} apart (the first one after a gap too); then, if {@code calls} are given,
     * each tool call's arguments, a delta per gap, and the stream ends with finish reason {@code tool_calls}. A cut
     * waits for {@code cut} to be released.
     */
    public record Script(int status, List<String> tokens, Duration gap, Ending after, String errorMessage,
            String errorType, CountDownLatch cut, List<String> reasoning, List<ScriptedCall> calls) {

        public static Script tokens(List<String> tokens, Duration gap) {
            return new Script(200, tokens, gap, Ending.COMPLETED, null, null, null, List.of(), List.of());
        }

        /** {@code count} tokens "t0 ", "t1 ", ... */
        public static Script tokens(int count, Duration gap) {
            return tokens(IntStream.range(0, count).mapToObj(i -> "t" + i + " ").toList(), gap);
        }

        /** Streams a call of {@code tool}, its arguments in the given pieces, and nothing else. */
        public static Script toolCall(String callId, String tool, List<String> argumentDeltas, Duration gap) {
            return tokens(List.of(), gap).andCall(callId, tool, argumentDeltas);
        }

        /** The same tokens and calls, then a call of {@code tool} with its arguments in the given pieces. */
        public Script andCall(String callId, String tool, List<String> argumentDeltas) {
            List<ScriptedCall> more = new ArrayList<>(calls);
            more.add(new ScriptedCall(callId, tool, List.copyOf(argumentDeltas)));
            return new Script(status, tokens, gap, after, errorMessage, errorType, cut, reasoning, List.copyOf(more));
        }

        /** The same, with these pieces of reasoning before the tokens. */
        public Script reasoningFirst(List<String> deltas) {
            return new Script(status, tokens, gap, after, errorMessage, errorType, cut, List.copyOf(deltas), calls);
        }

        /** Sends the tokens, then nothing more, keeping the connection open until the client closes it. */
        public Script thenStall() {
            return new Script(status, tokens, gap, Ending.CLIENT_CLOSED, null, null, null, reasoning, calls);
        }

        /**
         * Sends the tokens, then, once the test releases {@code cut} (when its client has them all: a reset
         * connection may lose what the client has not read yet, which is not what such a test is about), drops the
         * connection without ending the stream.
         */
        public Script thenCutWhen(CountDownLatch cut) {
            return new Script(status, tokens, gap, Ending.CUT, null, null, cut, reasoning, calls);
        }

        public static Script error(int status, String message, String type) {
            return new Script(status, List.of(), Duration.ZERO, Ending.COMPLETED, message, type, null, List.of(),
                    List.of());
        }

        /** How many pieces are streamed, a gap apart. */
        int pieces() {
            return reasoning.size() + tokens.size()
                    + calls.stream().mapToInt(call -> call.argumentDeltas().size()).sum();
        }
    }

    /** A tool call the model streams: its id, its tool, and its arguments (JSON) in pieces. */
    public record ScriptedCall(String callId, String tool, List<String> argumentDeltas) {
        public String arguments() {
            return String.join("", argumentDeltas);
        }
    }

    /** One request and what became of it. */
    public static final class Exchange {
        private final JsonObject request;
        private final String authorization;
        private final List<Long> tokenNanos = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Ending> ending = new CompletableFuture<>();
        private volatile long endedNanos;

        Exchange(JsonObject request, String authorization) {
            this.request = request;
            this.authorization = authorization;
        }

        public JsonObject request() {
            return request;
        }

        /** The Authorization header, or null. */
        public String authorization() {
            return authorization;
        }

        /** When each token was written and flushed ({@link System#nanoTime()}), in order. */
        public List<Long> tokenNanos() {
            return List.copyOf(tokenNanos);
        }

        /** When the exchange ended ({@link System#nanoTime()}); valid once {@link #awaitEnding} returned. */
        public long endedNanos() {
            return endedNanos;
        }

        /** How the exchange ended; fails the test if it has not within {@code timeout}. */
        public Ending awaitEnding(Duration timeout) throws InterruptedException {
            try {
                return ending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the exchange did not end within " + timeout + "; tokens written: "
                        + tokenNanos.size());
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }

        void end(Ending how) {
            endedNanos = System.nanoTime();
            ending.complete(how);
        }
    }

    private static final Duration PROBE = Duration.ofMillis(50);
    private static final Duration CUT_WAIT = Duration.ofSeconds(30);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-openai");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Queue<Script> scripts = new ConcurrentLinkedQueue<>();
    private volatile Script script;

    private FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        reset();
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    public static FakeOpenAiServer start() throws IOException {
        return new FakeOpenAiServer();
    }

    /** The base URL an OpenAI client is given: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** What every following request is answered with. */
    public void answer(Script next) {
        scripts.clear();
        script = next;
    }

    /**
     * What the next requests are answered with, one script each, in turn: a tool call, then what the model says
     * once it has the result, for instance. The last one answers every request after them.
     */
    public void answerInTurn(Script first, Script... then) {
        scripts.clear();
        script = first;
        scripts.addAll(List.of(then));
    }

    /** Back to the first state: the default answer, and no request recorded (for a server shared by tests). */
    public void reset() {
        answer(Script.tokens(List.of("Hello", " world"), Duration.ZERO));
        exchanges.clear();
    }

    /** The next request that arrives within {@code timeout}, or null. */
    public Exchange pollExchange(Duration timeout) throws InterruptedException {
        return exchanges.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next request that arrived; fails the test if none arrives within {@code timeout}. */
    public Exchange awaitExchange(Duration timeout) throws InterruptedException {
        Exchange exchange = exchanges.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(exchange, "no request reached the fake model server within " + timeout);
        return exchange;
    }

    private void handle(HttpExchange http) throws IOException {
        JsonObject request;
        try (InputStream body = http.getRequestBody()) {
            request = Json.createReader(new StringReader(new String(body.readAllBytes(), StandardCharsets.UTF_8)))
                    .readObject();
        }
        Exchange exchange = new Exchange(request, http.getRequestHeaders().getFirst("Authorization"));
        exchanges.add(exchange);
        Script answer = nextScript();
        if (!"POST".equals(http.getRequestMethod())) {
            error(http, exchange, Script.error(405, "use POST", "invalid_request_error"));
        } else if (answer.status() != 200) {
            error(http, exchange, answer);
        } else {
            stream(http, exchange, answer, request.getString("model", "fake"));
        }
    }

    private synchronized Script nextScript() {
        Script answer = script;
        Script next = scripts.poll();
        if (next != null) {
            script = next;
        }
        return answer;
    }

    private static void error(HttpExchange http, Exchange exchange, Script answer) throws IOException {
        byte[] body = Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                .add("message", answer.errorMessage()).add("type", answer.errorType()).addNull("param")
                .addNull("code")).build().toString().getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
        exchange.end(Ending.COMPLETED);
    }

    private void stream(HttpExchange http, Exchange exchange, Script answer, String model) throws IOException {
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        http.sendResponseHeaders(200, 0);
        OutputStream out = http.getResponseBody();
        String id = "chatcmpl-fake" + System.nanoTime();
        try {
            write(out, chunk(id, model, Json.createObjectBuilder().add("role", "assistant").add("content", ""), null));
            long start = System.nanoTime();
            long gap = answer.gap().toNanos();
            List<JsonObjectBuilder> deltas = new ArrayList<>();
            answer.reasoning().forEach(piece -> deltas.add(Json.createObjectBuilder().add("reasoning_content", piece)));
            answer.tokens().forEach(token -> deltas.add(Json.createObjectBuilder().add("content", token)));
            for (int index = 0; index < answer.calls().size(); index++) {
                // as OpenAI streams a call: its id, type and name (arguments empty) first, then the arguments
                ScriptedCall call = answer.calls().get(index);
                JsonObjectBuilder named = toolCallDelta(index, call, true, "");
                if (index == 0) {
                    write(out, chunk(id, model, named, null));
                } else {
                    deltas.add(named);
                }
                int at = index;
                call.argumentDeltas().forEach(piece -> deltas.add(toolCallDelta(at, call, false, piece)));
            }
            for (int i = 0; i < deltas.size(); i++) {
                if (!waitUntil(start + (i + 1) * gap)) {
                    exchange.end(Ending.SERVER_STOPPED);
                    return;
                }
                write(out, chunk(id, model, deltas.get(i), null));
                exchange.tokenNanos.add(System.nanoTime());
            }
            switch (answer.after()) {
                case CUT -> {
                    if (!released(answer.cut())) {
                        exchange.end(Ending.SERVER_STOPPED);
                        return;
                    }
                    exchange.end(Ending.CUT);
                    // an exception out of the handler makes the server drop the connection, stream unfinished
                    throw new IllegalStateException("cut as scripted");
                }
                case CLIENT_CLOSED -> {
                    while (waitUntil(System.nanoTime() + PROBE.toNanos())) {
                        write(out, ": still thinking\n\n");
                    }
                    exchange.end(Ending.SERVER_STOPPED);
                    return;
                }
                default -> {
                    write(out, chunk(id, model, Json.createObjectBuilder(),
                            answer.calls().isEmpty() ? "stop" : "tool_calls"));
                    write(out, "data: " + Json.createObjectBuilder().add("id", id)
                            .add("object", "chat.completion.chunk").add("created", System.currentTimeMillis() / 1000)
                            .add("model", model).add("choices", Json.createArrayBuilder())
                            .add("usage", Json.createObjectBuilder().add("prompt_tokens", 5)
                                    .add("completion_tokens", answer.pieces())
                                    .add("total_tokens", 5 + answer.pieces()))
                            .build() + "\n\n");
                    write(out, "data: [DONE]\n\n");
                    out.close();
                    exchange.end(Ending.COMPLETED);
                }
            }
        } catch (IOException clientGone) {
            exchange.end(Ending.CLIENT_CLOSED);
            http.close();
        }
    }

    private static JsonObjectBuilder toolCallDelta(int index, ScriptedCall call, boolean first, String arguments) {
        JsonObjectBuilder toolCall = Json.createObjectBuilder().add("index", index);
        if (first) {
            toolCall.add("id", call.callId()).add("type", "function");
        }
        JsonObjectBuilder function = Json.createObjectBuilder().add("arguments", arguments);
        if (first) {
            function.add("name", call.tool());
        }
        return Json.createObjectBuilder().add("tool_calls", Json.createArrayBuilder()
                .add(toolCall.add("function", function)));
    }

    private static String chunk(String id, String model, JsonObjectBuilder delta, String finishReason) {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        return "data: " + Json.createObjectBuilder().add("id", id).add("object", "chat.completion.chunk")
                .add("created", System.currentTimeMillis() / 1000).add("model", model)
                .add("choices", Json.createArrayBuilder().add(choice)).build() + "\n\n";
    }

    private static void write(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits (at most {@link #CUT_WAIT}) for the test to release a cut; false if it did not or the server stops. */
    private boolean released(CountDownLatch cut) {
        long deadline = System.nanoTime() + CUT_WAIT.toNanos();
        try {
            while (!cut.await(PROBE.toNanos(), TimeUnit.NANOSECONDS)) {
                if (stopping.getCount() == 0 || System.nanoTime() - deadline > 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for a point in time ({@link System#nanoTime()}); false if the server is stopping. */
    private boolean waitUntil(long deadline) {
        try {
            long left = deadline - System.nanoTime();
            return left <= 0 ? stopping.getCount() > 0 : !stopping.await(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
