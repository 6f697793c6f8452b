package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

/**
 * Races around resume that a review found (each failed before its fix): a resume or a drop landing while another
 * thread is in the middle of a step, two resumes at once, the old connection's close after a resume elsewhere. Some
 * hold the stream's lock from the test (reached by reflection) to line the threads up deterministically.
 */
class ResumeRacesTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();
    private final List<StreamStatus> endings = new CopyOnWriteArrayList<>();

    private static List<String> words(int count) {
        return IntStream.range(0, count).mapToObj(i -> "w" + i + " ").toList();
    }

    /** A sink whose chunks stay in flight: it never reports them delivered (a stalled or dead connection). */
    private static class StalledSink implements ReplySink {
        final List<Integer> seqs = new CopyOnWriteArrayList<>();

        @Override public void streamStarted(String m, String r, String a, String c) { }
        @Override public void chunk(String m, int seq, ReplyEvent e, Delivery delivery) {
            seqs.add(seq);
        }
        @Override public void replayed(String m, int seq, ReplyEvent e, long s) { }
        @Override public void movedAway(String m, String r) { }
        @Override public void streamEnded(String m, String r, ReplyEnd end) { }
        @Override public void busy(String r, String reason, Duration d) { }
    }

    /**
     * Bug: detach() (and resume()) clear inFlight without giving the agent back the demand that the in-flight
     * chunk's delivered() would have requested; the stale delivered() is then ignored. With buffer-chunks=1 one
     * drop mid-chunk stalls the reply for good (each drop leaks one credit of any buffer size).
     */
    @Test
    void aDropWithAChunkInFlightMustNotCostTheAgentItsDemand() {
        StalledSink lost = new StalledSink();
        ReplyStream stream = new ReplyStream("m1", "c1", lost, time, time::nanoTime, 10 * MS, 1,
                new ReplyStream.Resumption(30_000 * MS, 1000), (s, e) -> endings.add(e));
        stream.start(() -> ChunkPublisher.immediate(words(5).iterator()));
        time.advance(0);
        assertEquals(List.of(0), lost.seqs, "chunk 0 is in flight on the stalled connection");

        stream.detach(lost);
        RecordingSink back = new RecordingSink(time::nanoTime);
        stream.resume(back, -1);
        time.runUntilIdle(TimeUnit.MINUTES.toNanos(1));

        assertEquals(List.of(StreamStatus.COMPLETE), endings, "got: " + back.events());
        assertEquals(List.of(0, 1, 2, 3, 4), back.allChunks().stream().map(Event::seq).toList());
    }

    /** Same leak through resume() from a connection the server still thinks open, repeated buffer-size times. */
    @Test
    void movingAReplyBetweenLiveConnectionsMustNotDrainItsDemand() {
        int buffer = 4;
        List<StalledSink> sinks = new ArrayList<>();
        StalledSink first = new StalledSink();
        sinks.add(first);
        ReplyStream stream = new ReplyStream("m1", "c1", first, time, time::nanoTime, 0, buffer,
                new ReplyStream.Resumption(30_000 * MS, 1000), (s, e) -> endings.add(e));
        stream.start(() -> ChunkPublisher.immediate(words(50).iterator()));
        time.advance(0);
        for (int i = 0; i < buffer; i++) {
            StalledSink next = new StalledSink();
            sinks.add(next);
            stream.resume(next, -1); // each move leaves one chunk in flight on a connection whose delivery is ignored
            time.advance(0);
        }
        RecordingSink last = new RecordingSink(time::nanoTime);
        stream.resume(last, -1);
        time.runUntilIdle(TimeUnit.MINUTES.toNanos(1));

        assertEquals(List.of(StreamStatus.COMPLETE), endings, "stalled after " + last.allChunks().size() + " chunks");
    }

    /**
     * Bug: resume() sends movedAway to the old sink from the resuming thread while the drain owner may already have
     * taken a chunk for the old attachment and not yet handed it to the sink: the old connection gets a chunk after
     * resumed_elsewhere ("this one gets nothing more of it"). Simulated by resuming from inside sink.chunk, i.e.
     * exactly between the step's lock release and its enqueue.
     */
    @Test
    void nothingReachesTheOldConnectionAfterItHeardTheReplyMoved() {
        RecordingSink second = new RecordingSink(time::nanoTime);
        ReplyStream[] holder = new ReplyStream[1];
        List<String> old = new CopyOnWriteArrayList<>();
        ReplySink first = new StalledSink() {
            @Override
            public void chunk(String m, int seq, ReplyEvent e, Delivery delivery) {
                if (seq == 2) {
                    holder[0].resume(second, 1); // another thread's resume lands here
                }
                old.add("chunk " + seq);
                delivery.delivered(time.nanoTime());
            }

            @Override
            public void movedAway(String m, String r) {
                old.add("moved");
            }
        };
        holder[0] = new ReplyStream("m1", "c1", first, time, time::nanoTime, 10 * MS, 8,
                new ReplyStream.Resumption(30_000 * MS, 1000), (s, e) -> endings.add(e));
        holder[0].start(() -> ChunkPublisher.immediate(words(6).iterator()));
        time.runUntilIdle(TimeUnit.MINUTES.toNanos(1));

        assertEquals("moved", old.get(old.size() - 1), "old connection saw: " + old);
    }

    /**
     * Bug: Admission.ended removes an ended-with-client reply from the registry before record() queues its write,
     * so a resume in between finds it neither in the registry nor (storedReply waits only for writes already queued)
     * in the database: the client is told the reply does not exist.
     */
    @Test
    void aReplyIsResumableFromSomewhereAtEveryMoment() {
        StreamingService service = new StreamingService(time, time::nanoTime, new StreamSettings() {
            @Override
            public Values current() {
                return new Values(Duration.ofMillis(10), 10, 16, 1000, 8, Duration.ofMinutes(10), Duration.ZERO,
                        Duration.ofSeconds(30), 1000);
            }
        });
        RecordingSink sink = new RecordingSink(time::nanoTime);
        ConnectionStreams connection = new ConnectionStreams("alice", null);
        Admission admission = service.admit(connection, sink, "c1").orElseThrow();
        List<Boolean> heldWhenRecorderRuns = new ArrayList<>();
        admission.start("echo", "k", () -> ChunkPublisher.words("a b c"),
                ended -> heldWhenRecorderRuns.add(service.holdsForResume(ended.messageId())));
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(List.of(true), heldWhenRecorderRuns,
                "when the recorder is called (its write not yet queued) the reply is already gone from the registry");
    }

    /**
     * Bug: Admission.resume moves the holder under its monitor but calls stream.resume outside it, so two
     * concurrent resumes can leave the holder (cancel, close, ALREADY_HERE) on one connection and the stream
     * attached to the other. The stream's lock is held meanwhile, as any step or onNext holds it briefly, so both
     * resumes queue on it after moving the holder; whichever the JVM lets in last wins the attachment.
     */
    @Test
    void concurrentResumesLeaveHolderAndAttachmentOnTheSameConnection() throws Exception {
        StreamingService service = new StreamingService(time, time::nanoTime, new StreamSettings() {
            @Override
            public Values current() {
                return new Values(Duration.ofMillis(10), 100_000, 16, 1000, 8, Duration.ZERO, Duration.ZERO,
                        Duration.ofSeconds(30), 1000);
            }
        });
        Field attachedField = ReplyStream.class.getDeclaredField("attached");
        attachedField.setAccessible(true);
        Field lockField = ReplyStream.class.getDeclaredField("lock");
        lockField.setAccessible(true);
        Field sinkField = Class.forName("org.agentstream.streaming.ReplyStream$Attachment").getDeclaredField("sink");
        sinkField.setAccessible(true);
        Field streamField = Admission.class.getDeclaredField("stream");
        streamField.setAccessible(true);
        int mismatches = 0;
        for (int i = 0; i < 50 && mismatches == 0; i++) {
            RecordingSink lostSink = new RecordingSink(time::nanoTime);
            ConnectionStreams lost = new ConnectionStreams("alice", lostSink);
            Admission admission = service.admit(lost, lostSink, "c" + i).orElseThrow();
            admission.start("silent", "k", () -> s -> s.onSubscribe(new java.util.concurrent.Flow.Subscription() {
                @Override public void request(long n) { }
                @Override public void cancel() { }
            }), null);
            time.advance(0);
            lost.detach();
            String id = admission.messageId();
            ReplyStream stream = (ReplyStream) streamField.get(admission);
            ConnectionStreams c2 = new ConnectionStreams("alice", null);
            ConnectionStreams c3 = new ConnectionStreams("alice", null);
            RecordingSink s2 = new RecordingSink(time::nanoTime);
            RecordingSink s3 = new RecordingSink(time::nanoTime);
            Thread t2 = new Thread(() -> service.resume(c2, s2, id, -1));
            Thread t3 = new Thread(() -> service.resume(c3, s3, id, -1));
            synchronized (lockField.get(stream)) {
                t2.start();
                while (t2.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                t3.start();
                while (t3.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
            }
            t2.join();
            t3.join();
            Object attached = sinkField.get(attachedField.get(stream));
            boolean consistent = (c2.holds(id) && attached == s2) || (c3.holds(id) && attached == s3);
            if (!consistent) {
                mismatches++;
                // the connection the client now streams on cannot cancel it, and the holder gets ALREADY_HERE
                ConnectionStreams streaming = attached == s2 ? c2 : c3;
                ConnectionStreams holding = attached == s2 ? c3 : c2;
                assertTrue(!streaming.cancel(id));
                assertEquals(StreamingService.Resume.ALREADY_HERE,
                        service.resume(holding, attached == s2 ? s3 : s2, id, -1));
            }
            stream.disconnect(null);
        }
        assertEquals(0, mismatches, "holder and attached sink disagree");
    }

    /**
     * Bug: ConnectionStreams.disconnect()/detach() copy the running replies, then call stream.disconnect()/detach()
     * with no idea whether the stream still belongs to them. A resume on another connection in between (the old
     * close and the new resume race when a client reconnects) is undone: with close code 1000 the reply ends
     * interrupted and the resumed client never gets stream_end.
     */
    @Test
    void aNormalCloseOfTheOldConnectionDoesNotEndAReplyResumedElsewhere() throws Exception {
        StreamingService service = new StreamingService(time, time::nanoTime, new StreamSettings() {
            @Override
            public Values current() {
                return new Values(Duration.ofMillis(10), 100_000, 16, 1000, 8, Duration.ZERO, Duration.ZERO,
                        Duration.ofSeconds(30), 1000);
            }
        });
        Field lockField = ReplyStream.class.getDeclaredField("lock");
        lockField.setAccessible(true);
        Field streamField = Admission.class.getDeclaredField("stream");
        streamField.setAccessible(true);
        int lost = 0;
        for (int i = 0; i < 200 && lost == 0; i++) {
            RecordingSink oldSink = new RecordingSink(time::nanoTime);
            ConnectionStreams old = new ConnectionStreams("alice", oldSink);
            Admission admission = service.admit(old, oldSink, "c" + i).orElseThrow();
            admission.start("echo", "k", () -> ChunkPublisher.immediate(words(1000).iterator()), null);
            time.advance(25 * MS);
            ReplyStream stream = (ReplyStream) streamField.get(admission);
            RecordingSink freshSink = new RecordingSink(time::nanoTime);
            ConnectionStreams fresh = new ConnectionStreams("alice", freshSink);
            Thread close = new Thread(old::disconnect);
            Thread resume = new Thread(() -> service.resume(fresh, freshSink, admission.messageId(), 1));
            synchronized (lockField.get(stream)) {
                close.start();
                while (close.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                resume.start();
                while (resume.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
            }
            close.join();
            resume.join();
            time.runUntilIdle(TimeUnit.MINUTES.toNanos(1));
            boolean gotEnd = freshSink.events().stream().anyMatch(e -> e.kind().startsWith("end"));
            if (!gotEnd) {
                lost++;
                assertTrue(stream.hasEnded(), "it ended, interrupted, with the resumed client attached");
            }
        }
        assertEquals(0, lost, "a resumed client waited for a stream_end that never came");
    }

    /**
     * Bug: step() builds the replay for {@code to = attached} without checking that a client is attached. A resume
     * whose replay pass is deferred (the drain is owned by a thread sending a chunk, or a waiting pass handed it to
     * soon()) and whose connection drops before that pass (detach() sets attached = null) makes the pass throw a
     * NullPointerException out of DrainLoop.drain, leaving its wip counter above zero for good: the reply never
     * steps again. A later resume gets nothing, cancel/expire cannot end it, its admission place is never freed.
     */
    @Test
    void aResumedClientThatDropsBeforeItsReplayDoesNotKillTheReply() {
        RecordingSink second = new RecordingSink(time::nanoTime);
        ReplyStream[] holder = new ReplyStream[1];
        ReplySink first = new StalledSink() {
            @Override
            public void chunk(String m, int seq, ReplyEvent e, Delivery delivery) {
                if (seq == 2) {
                    holder[0].resume(second, 0); // the drain is owned here, so the replay waits for the next pass
                    holder[0].detach(second);          // ...and the new connection drops before it
                    return;
                }
                delivery.delivered(time.nanoTime());
            }
        };
        ReplyStream stream = new ReplyStream("m1", "c1", first, time, time::nanoTime, 10 * MS, 8,
                new ReplyStream.Resumption(30_000 * MS, 1000), (s, e) -> endings.add(e));
        holder[0] = stream;
        stream.start(() -> ChunkPublisher.immediate(words(6).iterator()));
        Throwable thrown = null;
        try {
            time.advance(50 * MS);
        } catch (RuntimeException e) {
            thrown = e;
        }
        RecordingSink third = new RecordingSink(time::nanoTime);
        stream.resume(third, 0);
        time.runUntilIdle(TimeUnit.MINUTES.toNanos(1));

        assertEquals(null, thrown, "no step failed");
        assertEquals(List.of(StreamStatus.COMPLETE), endings, "third got " + third.events());
        assertEquals(List.of(1, 2, 3, 4, 5), third.allChunks().stream().map(Event::seq).toList());
        assertEquals("end:complete", third.events().get(third.events().size() - 1).kind());
    }
}
