package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.agentstream.testing.fixtures.BuildTlsKey;
import org.agentstream.testing.fixtures.TestUrls;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;

/**
 * A Tyrus WebSocket client for the chat endpoint that records every frame with its receive time
 * ({@link System#nanoTime()}), and waits for frames with bounded, asserted waits. Over {@code wss:} it trusts the
 * build's key alone ({@link BuildTlsKey#trusted()}) and checks the host name.
 */
public final class ChatClient implements AutoCloseable {

    private static final ClientManager CONTAINER = ClientManager.createClient();

    /** The container for {@code wss:}, made when a test first needs it. */
    private static final class Tls {
        static final ClientManager CONTAINER = ClientManager.createClient();

        static {
            CONTAINER.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR,
                    new SslEngineConfigurator(BuildTlsKey.trusted()).setHostVerificationEnabled(true));
        }
    }

    /** A frame as received. */
    public record Frame(JsonObject json, long receivedNanos) {
        public String type() {
            return json.getString("type", null);
        }

        public String text(String name) {
            return json.containsKey(name) && !json.isNull(name) ? json.getString(name) : null;
        }
    }

    /** One reply as the client saw it: its start, chunks in arrival order, end, and any error frames. */
    public record Reply(Frame start, List<Frame> chunks, Frame end, List<Frame> errors) {
        public String status() {
            return end.text("status");
        }

        public String text() {
            StringBuilder text = new StringBuilder();
            chunks.forEach(chunk -> text.append(chunk.text("delta")));
            return text.toString();
        }
    }

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile CloseReason closeReason;
    private final Session session;

    private ChatClient(URI uri, Map<String, List<String>> headers) throws IOException, DeploymentException {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> request) {
                        request.putAll(headers);
                    }
                }).build();
        ClientManager container = "wss".equals(uri.getScheme()) ? Tls.CONTAINER : CONTAINER;
        session = container.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig endpointConfig) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                    long now = System.nanoTime();
                    frames.add(new Frame(Json.createReader(new StringReader(text)).readObject(), now));
                });
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                closeReason = reason;
                closed.countDown();
            }
        }, config, uri);
    }

    /** Connects to {@code /chat} of the application deployed at {@code base} ({@code wss:} for an https base). */
    public static ChatClient connect(URL base) throws IOException, DeploymentException {
        return connect(base, Map.of());
    }

    public static ChatClient connect(URL base, Map<String, List<String>> headers)
            throws IOException, DeploymentException {
        return new ChatClient(chatUri(base), headers);
    }

    public static URI chatUri(URL base) {
        return URI.create(TestUrls.resolve(base, "chat").toString().replaceFirst("^http", "ws"));
    }

    public void send(String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    /** Sends one text frame in continuation fragments; the last part ends the frame. */
    public void sendFragments(List<String> parts) throws IOException {
        for (int i = 0; i < parts.size(); i++) {
            session.getBasicRemote().sendText(parts.get(i), i == parts.size() - 1);
        }
    }

    /** Sends one binary frame, in continuation fragments when there are several parts. */
    public void sendBinary(List<byte[]> parts) throws IOException {
        if (parts.size() == 1) {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(parts.get(0)));
            return;
        }
        for (int i = 0; i < parts.size(); i++) {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1);
        }
    }

    /** Sends a {@code message} frame and returns when it was sent ({@link System#nanoTime()}). */
    public long ask(String id, String agent, String content) throws IOException {
        long now = System.nanoTime();
        send(Json.createObjectBuilder().add("type", "message").add("id", id).add("agent", agent)
                .add("content", content).build().toString());
        return now;
    }

    /**
     * Asks {@code echo} for twelve words and reads the reply to its end: the gaps between the server's sends of its
     * chunks ({@code sentAt}), the pacing a setting such as {@code agentstream.stream.pause-ms} gives.
     */
    public double[] echoSendGaps(String id, Duration timeout) throws IOException, InterruptedException {
        ask(id, "echo", "one two three four five six seven eight nine ten eleven twelve");
        Reply reply = reply(id, timeout);
        assertEquals("complete", reply.status(), () -> reply.end().json().toString());
        return GapAnalysis.of(reply).sendGapsMs();
    }

    /**
     * Reports to the server how {@code reply} arrived here, as the JavaScript client does at each stream_end (a
     * {@code timing} frame: its chunks, the gaps between them that arrived batched, the receive and send spans), and
     * returns the server's answer: {@code timing_recorded} with its verdict, or an error frame.
     */
    public Frame reportTiming(String id, Reply reply, Duration timeout) throws InterruptedException, IOException {
        GapAnalysis gaps = GapAnalysis.of(reply);
        send(Json.createObjectBuilder().add("type", "timing").add("id", id)
                .add("messageId", reply.start().text("messageId")).add("chunks", reply.chunks().size())
                .add("batched", gaps.batchedGaps()).add("receiveSpanMs", gaps.receiveSpanMs())
                .add("sendSpanMs", gaps.sendSpanMs()).build().toString());
        return answerTo(id, timeout);
    }

    /** The next frame answering the request {@code id} (its replyTo), skipping others; fails the test if none comes. */
    public Frame answerTo(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            assertNotNull(frame, "no answer to " + id + " within " + timeout);
            if (id.equals(frame.text("replyTo"))) {
                return frame;
            }
        }
    }

    public void cancel(String messageId) throws IOException {
        send(Conversations.cancel(messageId));
    }

    /**
     * Asks for the rest of a reply this client's owner lost with a connection: the chunks after {@code afterSeq}
     * (-1 for all), then the live ones and the end. Returns when it was sent ({@link System#nanoTime()}).
     */
    public long resume(String id, String messageId, int afterSeq) throws IOException {
        long now = System.nanoTime();
        send(Conversations.resume(id, messageId, afterSeq));
        return now;
    }

    /**
     * Every frame that arrived before the connection closed, once it has: for a connection that was cut, what the
     * client got of its replies. Fails the test if the connection does not close in time.
     */
    public List<Frame> framesUntilClosed(Duration timeout) throws InterruptedException {
        assertNotNull(awaitClose(timeout), "the connection did not close within " + timeout);
        List<Frame> left = new ArrayList<>();
        frames.drainTo(left);
        return left;
    }

    /** The next frame; fails the test if none arrives in time. */
    public Frame next(Duration timeout) throws InterruptedException {
        Frame frame = poll(timeout);
        assertNotNull(frame, "no frame within " + timeout);
        return frame;
    }

    /** The next frame, or null if none arrives in time, for a caller that records the miss and asserts later. */
    public Frame poll(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next frame of a type, skipping others; fails the test if none arrives in time. */
    public Frame next(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(frame, "no " + type + " frame within " + timeout);
            if (type.equals(frame.type())) {
                return frame;
            }
        }
    }

    /**
     * Frames read so far, grouped by the client id of the message they answer (a chunk or an end is matched to its
     * message through its reply's {@code stream_start}).
     */
    public static final class Replies {
        private final Map<String, String> replyToByMessage = new HashMap<>();
        private final Map<String, Frame> starts = new HashMap<>();
        private final Map<String, List<Frame>> chunks = new HashMap<>();
        private final Map<String, List<Frame>> errors = new HashMap<>();
        private final Map<String, Frame> ends = new HashMap<>();

        /** A reply this client resumes: it has no stream_start on this connection. */
        public Replies resuming(String messageId, String replyTo) {
            replyToByMessage.put(messageId, replyTo);
            return this;
        }

        public void add(Frame frame) {
            String messageId = frame.text("messageId");
            switch (frame.type()) {
                case "stream_start" -> {
                    replyToByMessage.put(messageId, frame.text("replyTo"));
                    starts.put(frame.text("replyTo"), frame);
                }
                case "chunk" -> chunks.computeIfAbsent(replyToByMessage.get(messageId), k -> new ArrayList<>())
                        .add(frame);
                case "error" -> errors.computeIfAbsent(frame.text("replyTo"), k -> new ArrayList<>()).add(frame);
                case "stream_end" -> ends.put(replyToByMessage.get(messageId), frame);
                default -> {
                }
            }
        }

        /** The stream_start of the reply to {@code replyTo}; null before it arrived. */
        public Frame start(String replyTo) {
            return starts.get(replyTo);
        }

        public boolean started(String replyTo) {
            return starts.containsKey(replyTo);
        }

        public List<Frame> chunks(String replyTo) {
            return chunks.getOrDefault(replyTo, List.of());
        }

        public List<Frame> errors(String replyTo) {
            return errors.getOrDefault(replyTo, List.of());
        }

        public boolean ended(String replyTo) {
            return ends.containsKey(replyTo);
        }

        /** The reply once it has ended; null before. */
        public Reply reply(String replyTo) {
            Frame end = ends.get(replyTo);
            return end == null ? null : new Reply(starts.get(replyTo), chunks(replyTo), end, errors(replyTo));
        }
    }

    /** Reads frames into {@code replies} until {@code done} holds for them; fails the test if it does not in time. */
    public void readUntil(Replies replies, Predicate<Replies> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(replies)) {
            Frame frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(frame, "not done within " + timeout + "; replies ended: " + replies.ends.keySet());
            replies.add(frame);
        }
    }

    /**
     * Reads frames until every reply to the given client ids has ended, and groups them by reply. Frames that
     * belong to none of them (such as {@code busy} errors for other ids) are ignored.
     */
    public Map<String, Reply> replies(List<String> replyTos, Duration timeout) throws InterruptedException {
        Replies replies = new Replies();
        readUntil(replies, read -> replyTos.stream().allMatch(read::ended), timeout);
        Map<String, Reply> done = new HashMap<>();
        replyTos.forEach(replyTo -> done.put(replyTo, replies.reply(replyTo)));
        return done;
    }

    public Reply reply(String replyTo, Duration timeout) throws InterruptedException {
        return replies(List.of(replyTo), timeout).get(replyTo);
    }

    /** Waits for the server to close the connection; null if it stays open. */
    public CloseReason awaitClose(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? closeReason : null;
    }

    @Override
    public void close() throws IOException {
        if (session.isOpen()) {
            session.close();
        }
    }
}
