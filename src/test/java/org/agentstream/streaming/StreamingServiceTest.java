package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.timing.WakeUpTimer;
import org.junit.jupiter.api.Test;

/**
 * Admission: a request over a limit, or one the executor refuses, gets busy at once and starts nothing; an admitted
 * reply tells what it has sent so far while it streams.
 */
class StreamingServiceTest {

    private final VirtualScheduler time = new VirtualScheduler();
    private final RecordingSink sink = new RecordingSink(time::nanoTime);

    private static StreamSettings limits(int maxStreams, int perConnection) {
        return limits(maxStreams, perConnection, Duration.ZERO);
    }

    private static StreamSettings limits(int maxStreams, int perConnection, Duration maxLag) {
        return limits(maxStreams, perConnection, 1000, maxLag);
    }

    private static StreamSettings limits(int maxStreams, int perConnection, int perUser, Duration maxLag) {
        return new StreamSettings() {
            @Override
            public Values current() {
                return new Values(Duration.ofMillis(10), maxStreams, perConnection, perUser, 8, Duration.ofMinutes(10),
                        maxLag, Duration.ZERO, 0);
            }
        };
    }

    private static StreamSettings resumable(int maxStreams, Duration window) {
        return new StreamSettings() {
            @Override
            public Values current() {
                return new Values(Duration.ofMillis(10), maxStreams, 16, 1000, 8, Duration.ofMinutes(10), Duration.ZERO,
                        window, 1000);
            }
        };
    }

    private static void ask(StreamingService service, ConnectionStreams connection, RecordingSink sink, int count) {
        for (int i = 0; i < count; i++) {
            service.start(connection, sink, "c" + i, "echo", "conversation",
                    () -> ChunkPublisher.immediate(List.of("a ", "b").iterator()));
        }
    }

    private long count(String kind) {
        return sink.events().stream().map(Event::kind).filter(kind::equals).count();
    }

    @Test
    void requestsPastTheServerLimitGetBusyAndEveryAdmittedOneEnds() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(3, 16));
        ask(service, new ConnectionStreams("owner", sink), sink, 5);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(2, count("busy"));
        assertEquals(3, count("start"));
        assertEquals(3, count("end:complete"));
        assertEquals(0, service.stats().activeStreams());
        assertEquals(2, service.stats().busy());
    }

    @Test
    void whileTheTimerLagsPastTheLimitNewRequestsGetBusyAndAdmittedOnesGoOn() {
        AtomicLong behind = new AtomicLong();
        LongSupplier clock = () -> time.nanoTime() + behind.get();
        WakeUpTimer timer = new WakeUpTimer(time, 1, 0, TimeUnit.MILLISECONDS.toNanos(5), clock);
        StreamingService service = new StreamingService(timer, clock, limits(100, 16, Duration.ofMillis(50)));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        ask(service, connection, sink, 1);
        behind.set(TimeUnit.MILLISECONDS.toNanos(80)); // 80 ms pass, and the timer's wake-up has not run
        ask(service, connection, sink, 1);

        assertEquals(List.of("busy"), sink.events().stream().map(Event::kind).toList(),
                "the first reply's start has waited 80 ms, more than the 50 ms allowed");
        assertTrue(sink.events().get(0).text().contains("80 ms behind its schedule"), sink.events().get(0).text());
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(2, count("end:complete"), "the admitted reply ended, and the timer on time again admits");
        assertEquals(1, count("busy"));
    }

    @Test
    void withoutALagLimitALaggingTimerRefusesNothing() {
        AtomicLong behind = new AtomicLong();
        LongSupplier clock = () -> time.nanoTime() + behind.get();
        WakeUpTimer timer = new WakeUpTimer(time, 1, 0, TimeUnit.MILLISECONDS.toNanos(5), clock);
        StreamingService service = new StreamingService(timer, clock, limits(100, 16));
        ask(service, new ConnectionStreams("owner", sink), sink, 1);
        behind.set(TimeUnit.SECONDS.toNanos(5));
        ask(service, new ConnectionStreams("owner", sink), sink, 1);

        assertEquals(0, count("busy"));
    }

    @Test
    void requestsPastTheConnectionLimitGetBusy() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(100, 2));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        ask(service, connection, sink, 4);

        assertEquals(2, count("busy"));
        assertEquals(2, connection.size());
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, connection.size(), "ended replies leave the connection");
    }

    @Test
    void requestsPastTheUserLimitOverAllTheirConnectionsGetBusyAndOtherUsersAreNotCounted() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(100, 16, 3, Duration.ZERO));
        RecordingSink bobs = new RecordingSink(time::nanoTime);
        for (int c = 0; c < 2; c++) {
            ConnectionStreams connection = new ConnectionStreams("alice", sink);
            for (int i = 0; i < 2; i++) {
                service.admit(connection, sink, "a" + c + i);
            }
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(service.admit(new ConnectionStreams("bob", bobs), bobs, "b" + i).isPresent(), "bob's " + i);
        }

        assertEquals(1, count("busy"), "alice's fourth reply, on her second connection");
        assertEquals(6, service.stats().activeStreams());
        assertTrue(service.admit(new ConnectionStreams("bob", bobs), bobs, "b3").isEmpty(), "bob's fourth");
    }

    @Test
    void aUsersPlaceIsFreedWhenTheirReplyEnds() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(100, 16, 1, Duration.ZERO));
        ConnectionStreams connection = new ConnectionStreams("alice", sink);
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(0, count("busy"));
        assertEquals(2, count("end:complete"));
    }

    @Test
    void aRequestTheExecutorRefusesGetsBusyAndStartsNothing() {
        time.refuseNewWork();
        StreamingService service = new StreamingService(time, time::nanoTime, limits(100, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        ask(service, connection, sink, 1);

        assertEquals(List.of("busy"), sink.events().stream().map(Event::kind).toList());
        assertTrue(sink.events().get(0).text().contains("executor"), sink.events().get(0).text());
        assertEquals(0, service.stats().activeStreams(), "the refused request holds no slot");
        assertEquals(0, connection.size());
    }

    @Test
    void aRejectedStreamDoesNotCountAgainstTheLimitLater() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(1, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        ask(service, connection, sink, 2);
        assertEquals(1, count("busy"), "the second request is over the limit of 1");
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(1, count("busy"), "a slot is free again once a reply ended, and the rejected request held none");
        assertEquals(2, count("end:complete"));
        assertEquals(2, service.stats().completed());
    }

    @Test
    void aReplyPastItsTimeBoundEndsFailedAndFreesItsPlaceEvenIfItsAgentIgnoresCancel() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(1, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        Flow.Publisher<String> silent = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        service.start(connection, sink, "held", "silent", "conversation", () -> silent);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        service.endOverdue(System.nanoTime() + TimeUnit.MINUTES.toNanos(9));
        ask(service, connection, sink, 1);

        assertEquals(List.of("start", "busy"), sink.events().stream().map(Event::kind).toList(),
                "the silent reply holds the only place before its bound");
        service.endOverdue(System.nanoTime() + TimeUnit.MINUTES.toNanos(11));

        Event end = sink.events().get(2);
        assertEquals("end:failed", end.kind());
        assertTrue(end.text().contains("longer than the server allows"), end.text());
        assertEquals(0, service.stats().activeStreams(), "its place is free although the agent never stopped");
        assertEquals(0, connection.size());
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        assertEquals("start", sink.events().get(3).kind(), "the next request is admitted");
    }

    @Test
    void anAdmittedReplyHoldsItsPlaceUntilItIsGivenBack() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(1, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        Admission admission = service.admit(connection, sink, "first").orElseThrow();
        ask(service, connection, sink, 1);

        assertEquals(List.of("busy"), sink.events().stream().map(Event::kind).toList(), "preparing holds the place");
        admission.giveBack();
        assertEquals(0, service.stats().activeStreams());
        assertEquals(0, connection.size());
        ask(service, connection, sink, 1);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        assertEquals("end:complete", sink.events().get(sink.events().size() - 1).kind());
    }

    @Test
    void theRecorderHearsExactlyWhatWasSent() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(10, 16));
        List<EndedReply> ended = new ArrayList<>();
        service.admit(new ConnectionStreams("owner", sink), sink, "c1").orElseThrow().start("echo", "k",
                () -> ChunkPublisher.words("one two three"), ended::add);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(1, ended.size());
        assertEquals(StreamStatus.COMPLETE, ended.get(0).status());
        assertEquals("one two three", ended.get(0).sentText());
        assertEquals(3, ended.get(0).sentChunks());
        assertEquals(sink.events().get(0).messageId(), ended.get(0).messageId());
    }

    @Test
    void aCancelledReplyIsRecordedWithTheTextItsClientGot() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(10, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        List<EndedReply> ended = new ArrayList<>();
        Admission admission = service.admit(connection, sink, "c1").orElseThrow();
        admission.start("echo", "k", () -> ChunkPublisher.words("a b c d e f"), ended::add);
        time.advance(TimeUnit.MILLISECONDS.toNanos(25));
        connection.cancel(admission.messageId());
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(StreamStatus.CANCELLED, ended.get(0).status(), sink.events().toString());
        String sent = sink.chunks().stream().map(Event::text).reduce("", String::concat);
        assertEquals(3, sink.chunks().size(), "chunks at 0, 10 and 20 ms went out before the cancel at 25 ms");
        assertEquals(sent, ended.get(0).sentText());
        assertEquals(3, ended.get(0).sentChunks());
    }

    @Test
    void aClientThatLeavesWhileItsReplyIsPreparedGetsNoReplyAndItIsRecordedInterrupted() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(10, 16));
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        List<EndedReply> ended = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        Admission admission = service.admit(connection, sink, "c1").orElseThrow();
        connection.disconnect();
        admission.start("echo", "k", () -> {
            asked.add("agent asked");
            return ChunkPublisher.words("never");
        }, ended::add);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(List.of(), asked, "the agent was not asked");
        assertEquals(1, ended.size());
        assertEquals(List.of(admission.messageId(), StreamStatus.INTERRUPTED, "", 0), List.of(ended.get(0).messageId(),
                ended.get(0).status(), ended.get(0).sentText(), ended.get(0).sentChunks()));
        assertEquals(0, service.stats().activeStreams());
        assertEquals(List.of(), sink.events(), "nothing was sent");
    }

    @Test
    void aLostReplyIsResumedOnlyByItsOwnerAndKeepsItsPlaceMeanwhile() {
        StreamingService service = new StreamingService(time, time::nanoTime, resumable(1, Duration.ofSeconds(30)));
        ConnectionStreams lost = new ConnectionStreams("alice", sink);
        List<EndedReply> ended = new ArrayList<>();
        Admission admission = service.admit(lost, sink, "c1").orElseThrow();
        admission.start("echo", "k", () -> ChunkPublisher.words("a b c d e f g h"), ended::add);
        time.advance(TimeUnit.MILLISECONDS.toNanos(25));
        lost.detach();
        String id = admission.messageId();

        assertEquals(1, service.stats().activeStreams(), "a detached reply still streams");
        assertTrue(service.admit(new ConnectionStreams("bob", sink), sink, "c2").isEmpty(),
                "and counts against the limit");
        RecordingSink bobs = new RecordingSink(time::nanoTime);
        assertEquals(StreamingService.Resume.UNKNOWN, service.resume(new ConnectionStreams("bob", bobs), bobs, id, 2));
        assertEquals(StreamingService.Resume.UNKNOWN,
                service.resume(new ConnectionStreams("alice", bobs), bobs, "no-such-reply", 2));
        RecordingSink alices = new RecordingSink(time::nanoTime);
        ConnectionStreams back = new ConnectionStreams("alice", alices);
        assertEquals(StreamingService.Resume.RESUMED, service.resume(back, alices, id, 2));
        assertEquals(StreamingService.Resume.ALREADY_HERE, service.resume(back, alices, id, 2));
        assertTrue(back.cancel(id), "the resumed connection can cancel it");
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(List.of(), bobs.events(), "nothing went to another owner");
        assertEquals("end:cancelled", alices.events().get(alices.events().size() - 1).kind());
        assertEquals(StreamStatus.CANCELLED, ended.get(0).status());
        assertEquals(0, service.stats().activeStreams());
    }

    @Test
    void aReplyNobodyResumesIsRecordedInterruptedWithWhatItMadeAndForgottenAfterTheWindow() {
        StreamingService service = new StreamingService(time, time::nanoTime, resumable(10, Duration.ofSeconds(2)));
        ConnectionStreams lost = new ConnectionStreams("alice", sink);
        List<EndedReply> ended = new ArrayList<>();
        Admission admission = service.admit(lost, sink, "c1").orElseThrow();
        admission.start("endless", "k", () -> ChunkPublisher.immediate(
                java.util.stream.Stream.iterate(0, i -> i + 1).map(i -> "w" + i + " ").iterator()), ended::add);
        time.advance(TimeUnit.MILLISECONDS.toNanos(25));
        lost.detach();
        time.advance(TimeUnit.MILLISECONDS.toNanos(1_990));
        assertEquals(List.of(), ended, "inside the window the reply goes on");
        time.advance(TimeUnit.MILLISECONDS.toNanos(20));

        assertEquals(1, ended.size());
        assertEquals(StreamStatus.INTERRUPTED, ended.get(0).status());
        assertTrue(ended.get(0).sentChunks() > 150, "what it made in the window is kept: " + ended.get(0).sentChunks());
        assertTrue(ended.get(0).sentText().startsWith("w0 w1 w2 w3 "), ended.get(0).sentText());
        assertEquals(0, service.stats().activeStreams());
        assertEquals(1, service.stats().resumable(), "an ended reply can be resumed for the window after its end");
        time.advance(TimeUnit.MILLISECONDS.toNanos(2_010));
        assertEquals(0, service.stats().resumable());
        assertEquals(StreamingService.Resume.UNKNOWN, service.resume(new ConnectionStreams("alice", sink), sink,
                admission.messageId(), 0), "then the stored message is all there is");
    }

    @Test
    void aStreamingReplyTellsWhatItHasSentSoFarAndEndsWithTheSame() {
        StreamingService service = new StreamingService(time, time::nanoTime, limits(3, 16));
        Admission admission = service.admit(new ConnectionStreams("owner", sink), sink, "c1").orElseThrow();
        List<EndedReply> ended = new ArrayList<>();
        List<String> words = List.of("one ", "two ", "three ", "four");
        admission.start("simulated", "conversation",
                () -> ChunkPublisher.paced(words.iterator(), Duration.ofMillis(30), time), ended::add);
        assertEquals("", admission.sentSoFar().sentText(), "nothing sent before the start");

        time.advance(TimeUnit.MILLISECONDS.toNanos(75));
        EndedReply soFar = admission.sentSoFar();
        assertEquals(2, soFar.sentChunks(), () -> "two words 30 ms apart: " + soFar.sentText());
        assertEquals("one two ", soFar.sentText());
        assertEquals(List.of(), ended, "still streaming");

        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));
        assertEquals("one two three four", ended.get(0).sentText());
        assertEquals(StreamStatus.COMPLETE, ended.get(0).status());
        assertEquals(soFar.sentNanos()[1], ended.get(0).sentNanos()[1], "a chunk keeps its send time");
    }

    @Test
    void eachReplyIsTimedFromItsArrivalToItsFirstChunkBetweenItsChunksAndToItsEnd() {
        List<String> heard = new ArrayList<>();
        ReplyObserver.Factory observers = (agent, messageId) -> new ReplyObserver() {
            @Override
            public void firstChunk(long nanos) {
                heard.add(agent + " first " + TimeUnit.NANOSECONDS.toMillis(nanos));
            }

            @Override
            public void sendGap(long nanos) {
                heard.add("gap " + TimeUnit.NANOSECONDS.toMillis(nanos));
            }

            @Override
            public void ended(StreamStatus status, int chunks, long nanos) {
                heard.add(status + " " + chunks + " chunks " + TimeUnit.NANOSECONDS.toMillis(nanos));
            }
        };
        StreamingService service = new StreamingService(time, time::nanoTime, limits(3, 16),
                new LocalReplyDirectory(time), observers);
        ConnectionStreams connection = new ConnectionStreams("owner", sink);
        service.admit(connection, sink, "c1").orElseThrow().start("echo", null, () -> {
            time.advance(TimeUnit.MILLISECONDS.toNanos(7)); // the agent takes 7 ms to produce its first chunk
            return ChunkPublisher.immediate(List.of("a ", "b ", "c").iterator());
        }, null);
        time.runUntilIdle(TimeUnit.SECONDS.toNanos(10));

        assertEquals(List.of("echo first 7", "gap 10", "gap 10", "COMPLETE 3 chunks 27"), heard);
    }
}
