package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.ReplySink;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.wire.FrameCodec;
import org.agentstream.wire.WireTime;
import org.junit.jupiter.api.Test;

class SessionOutboxTest {

    private final FrameCodec codec = new FrameCodec();

    /** A transport that notices two sends at once and records what it sent. */
    private static final class CheckingTransport implements FrameTransport {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        volatile boolean broken;

        @Override
        public void send(String text) throws IOException {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (broken) {
                    throw new IOException("connection reset");
                }
                Thread.onSpinWait();
                sent.add(text);
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    @Test
    void framesFromManyThreadsAreWrittenOneAtATimeAndNoneIsLost() throws Exception {
        CheckingTransport transport = new CheckingTransport();
        SessionOutbox outbox = new SessionOutbox(transport, codec);
        int threads = 8;
        int perThread = 500;
        CountDownLatch delivered = new CountDownLatch(threads * perThread);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                String messageId = "m" + t;
                writers.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        outbox.chunk(messageId, i, new ReplyEvent.Text("x"), new ReplySink.Delivery() {
                            @Override
                            public void delivered(long sentNanos) {
                                delivered.countDown();
                            }

                            @Override
                            public void undeliverable() {
                            }
                        });
                    }
                });
            }
            go.countDown();
            assertTrue(delivered.await(30, TimeUnit.SECONDS), "every chunk was delivered");
        } finally {
            writers.shutdownNow();
        }
        assertEquals(0, transport.overlaps.get(), "no two sends overlapped");
        assertEquals(threads * perThread, transport.sent.size());
        for (int t = 0; t < threads; t++) {
            String prefix = "{\"type\":\"chunk\",\"messageId\":\"m" + t + "\",\"seq\":";
            List<Integer> seqs = transport.sent.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length(), s.indexOf(',', prefix.length()))))
                    .toList();
            assertEquals(perThread, seqs.size());
            for (int i = 0; i < perThread; i++) {
                assertEquals(i, seqs.get(i), "frames of one sender keep their order");
            }
        }
    }

    @Test
    void aChunkIsStampedWhenItIsWrittenWithMicrosecondDecimals() throws Exception {
        CheckingTransport transport = new CheckingTransport();
        SessionOutbox outbox = new SessionOutbox(transport, codec);
        long[] stamped = new long[1];
        outbox.chunk("m", 0, new ReplyEvent.Text("hello "), new ReplySink.Delivery() {
            @Override
            public void delivered(long sentNanos) {
                stamped[0] = sentNanos;
            }

            @Override
            public void undeliverable() {
            }
        });

        String json = transport.sent.get(0);
        assertTrue(json.matches("\\{\"type\":\"chunk\",\"messageId\":\"m\",\"seq\":0,\"delta\":\"hello \","
                + "\"sentAt\":\\d{13}\\.\\d{3}}"), json);
        String sentAt = json.substring(json.indexOf("\"sentAt\":") + 9, json.length() - 1);
        assertEquals(WireTime.epochMillis(stamped[0]).toPlainString(), sentAt, "the stamp is the delivery time");
    }

    @Test
    void aBrokenConnectionReportsEveryQueuedChunkUndeliverable() {
        CheckingTransport transport = new CheckingTransport();
        transport.broken = true;
        SessionOutbox outbox = new SessionOutbox(transport, codec);
        AtomicInteger undeliverable = new AtomicInteger();
        ReplySink.Delivery delivery = new ReplySink.Delivery() {
            @Override
            public void delivered(long sentNanos) {
            }

            @Override
            public void undeliverable() {
                undeliverable.incrementAndGet();
            }
        };
        outbox.chunk("m", 0, new ReplyEvent.Text("a"), delivery);
        outbox.chunk("m", 1, new ReplyEvent.Text("b"), delivery);
        outbox.streamEnded("m", "c", ReplyEnd.of(StreamStatus.COMPLETE, 2, null));

        assertEquals(2, undeliverable.get());
        assertTrue(transport.sent.isEmpty());
    }

    @Test
    void aFailedReplySendsItsErrorBeforeItsEnd() {
        CheckingTransport transport = new CheckingTransport();
        SessionOutbox outbox = new SessionOutbox(transport, codec);
        outbox.streamEnded("m", "c1", ReplyEnd.of(StreamStatus.FAILED, 3,
                new ReplyFailure(AgentFailure.Kind.AGENT_FAILED, "the agent broke")));

        assertEquals(List.of(
                "{\"type\":\"error\",\"replyTo\":\"c1\",\"messageId\":\"m\",\"code\":\"agent_failed\","
                        + "\"message\":\"the agent broke\"}",
                "{\"type\":\"stream_end\",\"messageId\":\"m\",\"replyTo\":\"c1\",\"status\":\"failed\",\"chunks\":3}"),
                transport.sent);
    }

    @Test
    void aNamedModelFailureGetsItsOwnCode() {
        CheckingTransport transport = new CheckingTransport();
        SessionOutbox outbox = new SessionOutbox(transport, codec);
        outbox.streamEnded("m", "c1", ReplyEnd.of(StreamStatus.FAILED, 0, new ReplyFailure(
                AgentFailure.Kind.MODEL_RATE_LIMITED, "model server returned 429 Too Many Requests: slow down")));

        assertEquals("{\"type\":\"error\",\"replyTo\":\"c1\",\"messageId\":\"m\",\"code\":\"model_rate_limited\","
                + "\"message\":\"model server returned 429 Too Many Requests: slow down\"}", transport.sent.get(0));
    }
}
