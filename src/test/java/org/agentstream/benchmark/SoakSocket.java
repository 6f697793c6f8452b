package org.agentstream.benchmark;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One chat connection of a soak client, on the JDK's WebSocket client: every frame it gets waits in a queue that
 * the client's own thread reads with bounded waits. It can stop reading (a flooding user's page), and drop the
 * connection without a close handshake, as a lost network does.
 */
final class SoakSocket implements WebSocket.Listener {

    private static final Duration SEND_WITHIN = Duration.ofSeconds(30);
    /** The type of the last "frame" of a connection, which the socket puts in its queue when it ends. */
    static final String CLOSED = "closed";

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;
    /** Guarded by this: whether reading is paused, and whether the next message is owed to the server. */
    private boolean paused;
    private boolean owed;

    private SoakSocket() {
    }

    /** Opens a connection to {@code chat} whose handshake sends the session's {@code cookie}. */
    static SoakSocket open(HttpClient http, URI chat, String cookie) throws IOException, InterruptedException {
        SoakSocket listener = new SoakSocket();
        try {
            listener.socket = http.newWebSocketBuilder().header("Cookie", cookie)
                    .connectTimeout(Duration.ofSeconds(30)).buildAsync(chat, listener).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the chat connection did not open: " + e, e);
        }
        return listener;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(Json.createReader(new StringReader(partial.toString())).readObject());
            partial.setLength(0);
        }
        afterMessage(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        afterMessage(webSocket);
        return null;
    }

    private synchronized void afterMessage(WebSocket webSocket) {
        if (paused) {
            owed = true;
        } else {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended(-1, String.valueOf(error));
    }

    /** The end goes into the queue too, after the last frame, so that a reader does not wait on a dead connection. */
    private void ended(int code, String reason) {
        if (closed.complete(code)) {
            frames.add(Json.createObjectBuilder().add("type", CLOSED).add("code", code)
                    .add("reason", reason == null ? "" : reason).build());
        }
    }

    /** From now on reads nothing more: what the server sends waits in the network's buffers. */
    synchronized void pauseReading() {
        paused = true;
    }

    synchronized void resumeReading() {
        paused = false;
        if (owed) {
            owed = false;
            socket.request(1);
        }
    }

    /** Sends one text frame, once the previous one is out. */
    void send(String text) throws IOException, InterruptedException {
        sent(socket.sendText(text, true));
    }

    /** Sends one text frame in continuation fragments. */
    void sendParts(List<String> parts) throws IOException, InterruptedException {
        for (int i = 0; i < parts.size(); i++) {
            sent(socket.sendText(parts.get(i), i == parts.size() - 1));
        }
    }

    /** Sends one binary frame, in continuation fragments when there are several parts. */
    void sendBinary(List<byte[]> parts) throws IOException, InterruptedException {
        for (int i = 0; i < parts.size(); i++) {
            sent(socket.sendBinary(ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1));
        }
    }

    private static void sent(CompletableFuture<WebSocket> send) throws IOException, InterruptedException {
        try {
            send.get(SEND_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("a frame was not sent: " + e, e);
        }
    }

    /** The next frame (after the last one, a frame of type {@value #CLOSED}), or null if none comes in time. */
    JsonObject next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Ends the connection as a lost network does: no close frame, the socket just closes. */
    void drop() {
        socket.abort();
    }

    /** A normal close (1000), waited for at most a few seconds, then the socket is closed whatever happened. */
    void close() throws InterruptedException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            closed.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // closed below
        } finally {
            socket.abort();
        }
    }
}
