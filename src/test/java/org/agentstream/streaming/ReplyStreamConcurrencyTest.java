package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.StepTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply moved between connections while its chunks are written on other threads, its steps run on a real
 * scheduler and its client drops and resumes at random: it still writes to one sink at a time, ends once, and the
 * client that resumes last gets every chunk after the one it names, once and in order.
 */
class ReplyStreamConcurrencyTest {

    private static final int CHUNKS = 300;

    private final ScheduledExecutorService steps = Executors.newScheduledThreadPool(3);
    private final ScheduledExecutorService writes = Executors.newScheduledThreadPool(2);
    /** Sink calls of the reply under way now, over all its connections: more than one breaks the one-writer rule. */
    private final AtomicInteger writing = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();

    @AfterEach
    void stop() {
        steps.shutdownNow();
        writes.shutdownNow();
    }

    /** One connection of the client: writes its chunks later on another thread, or never once it is lost. */
    private final class Connection implements ReplySink {
        final List<Integer> seqs = new CopyOnWriteArrayList<>();
        final List<String> ends = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile boolean lost;
        /** The seq this connection resumed the reply after. */
        int after = -1;

        /** Counts a sink call in; it lasts a few microseconds, as a write does, so that an overlap shows. */
        private void enter() {
            if (writing.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            LockSupport.parkNanos(5_000);
        }

        @Override
        public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
            enter();
            seqs.add(seq);
            writing.decrementAndGet();
            if (!lost) {
                long micros = ThreadLocalRandom.current().nextLong(200);
                writes.schedule(() -> delivery.delivered(System.nanoTime()), micros, TimeUnit.MICROSECONDS);
            }
        }

        @Override
        public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
            enter();
            seqs.add(seq);
            writing.decrementAndGet();
        }

        @Override
        public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
            enter();
            ends.add(end.status().wireName() + " " + end.chunks());
            writing.decrementAndGet();
            ended.countDown();
        }

        @Override
        public void movedAway(String messageId, String replyTo) {
            enter();
            writing.decrementAndGet();
        }

        @Override
        public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        }

        @Override
        public void busy(String replyTo, String reason, Duration retryAfter) {
        }
    }

    /** The highest seq the client has with every seq before it, over all its connections. */
    private static int contiguous(List<Connection> connections) {
        boolean[] seen = new boolean[CHUNKS];
        connections.forEach(c -> c.seqs.forEach(seq -> seen[seq] = true));
        int last = -1;
        while (last + 1 < CHUNKS && seen[last + 1]) {
            last++;
        }
        return last;
    }

    /** A reply of {@link #CHUNKS} chunks, started on the client's first connection; its end goes to endings. */
    private ReplyStream started(List<Connection> connections, long pauseNanos, List<StreamStatus> endings) {
        Connection first = new Connection();
        connections.add(first);
        ReplyStream stream = new ReplyStream("m1", "c1", first, StepTimer.on(steps), System::nanoTime, pauseNanos, 4,
                new ReplyStream.Resumption(TimeUnit.SECONDS.toNanos(30), 1000), (s, e) -> endings.add(e));
        List<String> words = IntStream.range(0, CHUNKS).mapToObj(i -> "w" + i + " ").toList();
        stream.start(() -> ChunkPublisher.immediate(words.iterator()));
        return stream;
    }

    /**
     * The client drops its connection or not, at random, and resumes the reply on a new one with what it has, a few
     * hundred microseconds apart, {@code moves} times; the last connection it resumed on.
     */
    private Connection moveAbout(ReplyStream stream, List<Connection> connections, int moves, long maxGapNanos) {
        Connection current = connections.get(connections.size() - 1);
        for (int move = 0; move < moves; move++) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxGapNanos));
            if (ThreadLocalRandom.current().nextBoolean()) {
                current.lost = true;
                stream.detach(current);
            }
            current = new Connection();
            current.after = contiguous(connections);
            connections.add(current);
            stream.resume(current, current.after);
        }
        return current;
    }

    @Test
    void aReplyMovedAboutWhileItsChunksAreInFlightEndsOnceAndTheLastClientGetsEverySeqOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            List<StreamStatus> endings = new CopyOnWriteArrayList<>();
            List<Connection> connections = new CopyOnWriteArrayList<>();
            ReplyStream stream = started(connections, round % 2 == 0 ? 0 : 50_000, endings);
            Connection last = moveAbout(stream, connections, 9, 300_000);

            assertTrue(last.ended.await(10, TimeUnit.SECONDS), "round " + round + ": no end after " + last.seqs);
            assertEquals(List.of(StreamStatus.COMPLETE), endings, "round " + round);
            assertEquals(List.of("complete " + CHUNKS), last.ends, "round " + round);
            assertEquals(IntStream.range(last.after + 1, CHUNKS).boxed().toList(), last.seqs, "round " + round);
            assertEquals(0, overlaps.get(), "round " + round + ": two sink calls of one reply at once");
        }
    }

    @Test
    void aStopFromAnotherThreadWhileTheReplyMovesAboutEndsItOnceAndTheLastClientHearsHow() throws Exception {
        for (int round = 0; round < 20; round++) {
            List<StreamStatus> endings = new CopyOnWriteArrayList<>();
            List<Connection> connections = new CopyOnWriteArrayList<>();
            ReplyStream stream = started(connections, 50_000, endings);
            boolean cancel = round % 2 == 0;
            writes.schedule(() -> {
                if (cancel) {
                    stream.cancel();
                } else {
                    stream.expire("too long");
                }
            }, ThreadLocalRandom.current().nextLong(2_000), TimeUnit.MICROSECONDS);
            Connection last = moveAbout(stream, connections, 7, 400_000);

            assertTrue(last.ended.await(10, TimeUnit.SECONDS), "round " + round + ": no end after " + last.seqs);
            assertEquals(1, endings.size(), "round " + round + ": " + endings);
            int chunks = stream.ending(endings.get(0)).sentChunks();
            assertEquals(List.of(endings.get(0).wireName() + " " + chunks), last.ends, "round " + round);
            StreamStatus stopped = cancel ? StreamStatus.CANCELLED : StreamStatus.FAILED;
            assertTrue(endings.get(0) == stopped || (endings.get(0) == StreamStatus.COMPLETE && chunks == CHUNKS),
                    "round " + round + ": " + endings);
            assertEquals(IntStream.range(last.after + 1, chunks).boxed().toList(), last.seqs, "round " + round);
            assertEquals(0, overlaps.get(), "round " + round + ": two sink calls of one reply at once");
        }
    }
}
