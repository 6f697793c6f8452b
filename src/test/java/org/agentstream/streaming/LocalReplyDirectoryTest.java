package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.streaming.StreamingService.Resume;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

/** This node's replies a client may resume: only by their owner, and no longer than the window after their end. */
class LocalReplyDirectoryTest {

    private static final long MS = 1_000_000L;
    private static final StreamSettings.Values VALUES = new StreamSettings.Values(Duration.ofMillis(10), 100, 16,
            100, 8, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(2), 1000);

    private final VirtualScheduler time = new VirtualScheduler();
    private final RecordingSink sink = new RecordingSink(time::nanoTime);
    private final LocalReplyDirectory directory = new LocalReplyDirectory(time);
    private final StreamCounters counters = new StreamCounters();
    private final StreamingCore core = new StreamingCore(time, time::nanoTime,
            new AdmissionRules(new ActiveReplies(), new LocalOwnerReplies(), null, counters), new OverdueReplies(),
            directory, counters);

    private Admission registered(String owner) {
        Admission reply = new Admission(new ConnectionStreams(owner, sink), sink, "c1", VALUES, core);
        directory.register(reply);
        return reply;
    }

    private static ChunkPublisher endless() {
        return ChunkPublisher.immediate(Stream.iterate(0, i -> i + 1).map(i -> "w" + i + " ").iterator());
    }

    @Test
    void aReplyIsHandedOverToItsOwnerAndToNobodyElse() {
        Admission reply = registered("alice");
        reply.start("endless", "k", LocalReplyDirectoryTest::endless, null);
        time.advance(25 * MS);
        String id = reply.messageId();
        RecordingSink other = new RecordingSink(time::nanoTime);

        assertEquals(Resume.UNKNOWN, directory.handOver(id, new ConnectionStreams("bob", other), other, 1),
                "another owner's reply is as unknown as none");
        assertEquals(Resume.UNKNOWN, directory.handOver(id, new ConnectionStreams(null, other), other, 1));
        assertEquals(Resume.UNKNOWN, directory.handOver("no-such-reply", new ConnectionStreams("alice", other),
                other, 1));
        assertEquals(Resume.UNKNOWN, directory.handOver(null, new ConnectionStreams("alice", other), other, 1));
        assertEquals(List.of(), other.events(), "nothing went to them");

        ConnectionStreams back = new ConnectionStreams("alice", other);
        assertEquals(Resume.RESUMED, directory.handOver(id, back, other, 1));
        assertEquals(Resume.ALREADY_HERE, directory.handOver(id, back, other, 1));
        assertTrue(back.cancel(id), "the reply now streams on the connection it was handed to");
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(1));
        assertEquals("end:cancelled", other.events().get(other.events().size() - 1).kind());
    }

    @Test
    void anEndedReplyIsForgottenOnlyAfterTheWindow() {
        Admission reply = registered("alice");
        reply.start("echo", "k", () -> ChunkPublisher.words("a b"), null);
        time.advance(15 * MS);
        assertEquals("end:complete", sink.events().get(sink.events().size() - 1).kind());

        time.advance(1_990 * MS);
        assertTrue(directory.holds(reply.messageId()), "its client may have lost its end on the way");
        assertEquals(1, directory.size());
        time.advance(20 * MS);
        assertFalse(directory.holds(reply.messageId()));
        assertEquals(0, directory.size());
        assertEquals(Resume.UNKNOWN, directory.handOver(reply.messageId(), new ConnectionStreams("alice", sink), sink,
                0), "then the stored reply is all there is");
    }

    @Test
    void aReplyGivenBackIsForgottenAtOnce() {
        Admission reply = registered("alice");
        reply.giveBack();

        assertFalse(directory.holds(reply.messageId()));
        assertEquals(0, directory.size());
    }

    @Test
    void aReplyIsForgottenAtOnceWhenTheTimerTakesNoMoreWork() {
        Admission reply = registered("alice");
        time.refuseNewWork();
        directory.forgetAfter(reply, Duration.ofSeconds(2));

        assertFalse(directory.holds(reply.messageId()));
    }

    @Test
    void stoppingEndsTheRepliesStillStreamingAsInterrupted() {
        Admission streaming = registered("alice");
        streaming.start("endless", "k", LocalReplyDirectoryTest::endless, null);
        Admission ended = registered("bob");
        ended.start("echo", "k", () -> ChunkPublisher.words("a"), null);
        time.advance(25 * MS);

        assertEquals(1, directory.interruptAll(), "the ended one is only held for its window");
        assertTrue(streaming.stream().hasEnded());
        assertEquals(1, counters.stats(0, 0).disconnected());
    }
}
