package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

class ReplyStreamTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();
    private final RecordingSink sink = new RecordingSink(time::nanoTime);
    private final List<StreamStatus> endings = new CopyOnWriteArrayList<>();

    private ReplyStream stream(long pauseMs) {
        return stream(pauseMs, ReplyStream.Resumption.NONE);
    }

    private ReplyStream stream(long pauseMs, ReplyStream.Resumption resumption) {
        return new ReplyStream("m1", "c1", sink, time, time::nanoTime, pauseMs * MS, 8, resumption,
                (stream, ending) -> endings.add(ending));
    }

    private static ReplyStream.Resumption window(long ms, int maxDetachedChunks) {
        return new ReplyStream.Resumption(ms * MS, maxDetachedChunks);
    }

    private static List<String> words(int count) {
        return IntStream.range(0, count).mapToObj(i -> "w" + i + " ").toList();
    }

    @Test
    void chunksGoOutInOrderAtLeastThePauseApartAndEndLast() {
        List<String> words = words(40);
        stream(10).start(() -> ChunkPublisher.immediate(words.iterator()));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        List<Event> chunks = sink.chunks();
        assertEquals(40, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i).seq());
            assertEquals(words.get(i), chunks.get(i).text());
        }
        assertEquals(0, chunks.get(0).at(), "the first chunk waits for nothing");
        for (int i = 1; i < chunks.size(); i++) {
            assertEquals(10 * MS, chunks.get(i).at() - chunks.get(i - 1).at(), "gap before chunk " + i);
        }
        List<Event> events = sink.events();
        assertEquals("end:complete", events.get(events.size() - 1).kind());
        assertEquals(40, events.get(events.size() - 1).seq(), "stream_end counts the chunks");
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
    }

    /** What the client asks once it has stream_end (its history, the next turn) must find the reply recorded. */
    @Test
    void theEndIsRecordedBeforeTheClientIsToldOfIt() {
        List<Integer> eventsWhenRecorded = new CopyOnWriteArrayList<>();
        new ReplyStream("m1", "c1", sink, time, time::nanoTime, 0, 8, ReplyStream.Resumption.NONE,
                (stream, ending) -> eventsWhenRecorded.add(sink.events().size()))
                .start(() -> ChunkPublisher.immediate(words(3).iterator()));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(3), eventsWhenRecorded, "recorded after the 3 chunks, before stream_end");
        assertEquals("end:complete", sink.events().get(3).kind());
    }

    @Test
    void zeroPauseSendsEveryChunkAtOnceFromOneTask() {
        stream(0).start(() -> ChunkPublisher.immediate(words(100).iterator()));
        assertEquals(0, sink.chunks().size(), "the thread that starts a reply never writes its chunks");
        time.advance(0);

        assertEquals(100, sink.chunks().size());
        assertTrue(sink.chunks().stream().allMatch(chunk -> chunk.at() == 0));
        assertEquals(1, time.scheduledCount(), "one task sent them all: no timer per chunk without a pause");
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
    }

    @Test
    void anAgentSlowerThanThePauseGetsNoAddedDelay() {
        Duration gap = Duration.ofMillis(25);
        stream(10).start(() -> ChunkPublisher.paced(words(60).iterator(), gap, time));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        List<Event> chunks = sink.chunks();
        assertEquals(60, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals((i + 1) * 25 * MS, chunks.get(i).at(), "chunk " + i + " leaves when the agent made it");
        }
    }

    @Test
    void thePauseCountsFromThePreviousSendSoABurstAfterASlowTokenWaitsOnlyWhatIsLeft() {
        stream(10).start(() -> subscriber -> {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            time.schedule(() -> subscriber.onNext("slow "), 25, java.util.concurrent.TimeUnit.MILLISECONDS);
            time.schedule(() -> {
                words(4).forEach(subscriber::onNext);
                subscriber.onComplete();
            }, 31, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(25 * MS, 35 * MS, 45 * MS, 55 * MS, 65 * MS),
                sink.chunks().stream().map(Event::at).toList(),
                "the slow token leaves at once; the burst 10 ms after it, not 10 ms after it arrived");
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
    }

    @Test
    void cancelMidStreamStopsTheAgentAndEndsCancelled() {
        CountingIterator agent = new CountingIterator(words(1000).iterator(), -1);
        ReplyStream stream = stream(10);
        stream.start(() -> ChunkPublisher.immediate(agent));
        time.advance(45 * MS);
        stream.cancel();
        int pulledAtCancel = agent.pulled.get();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(5, sink.chunks().size(), "chunks at 0, 10, 20, 30 and 40 ms");
        Event last = sink.events().get(sink.events().size() - 1);
        assertEquals("end:cancelled", last.kind());
        assertEquals(5, last.seq());
        assertEquals(pulledAtCancel, agent.pulled.get(), "the agent produced nothing after the cancel");
        assertTrue(pulledAtCancel < 20, "the agent ran at most a small buffer ahead: " + pulledAtCancel);
        assertEquals(List.of(StreamStatus.CANCELLED), endings);
    }

    @Test
    void anAgentThatThrowsMidReplyEndsFailedWithWhatWentWrong() {
        CountingIterator agent = new CountingIterator(words(100).iterator(), 5);
        stream(10).start(() -> ChunkPublisher.immediate(agent));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(5, sink.chunks().size(), "what was produced before the failure is delivered");
        Event last = sink.events().get(sink.events().size() - 1);
        assertEquals("end:failed", last.kind());
        assertEquals("agent broke at chunk 5", last.text());
        assertEquals(List.of(StreamStatus.FAILED), endings);
    }

    @Test
    void anAgentThatThrowsBeforeReplyingEndsFailed() {
        Supplier<Flow.Publisher<?>> broken = () -> {
            throw new IllegalStateException("no model configured");
        };
        stream(10).start(broken);

        assertEquals(List.of("end:failed"), sink.events().stream().map(Event::kind).toList());
        assertEquals("no model configured", sink.events().get(0).text());
        assertEquals(List.of(StreamStatus.FAILED), endings);
    }

    @Test
    void aDisconnectedClientEndsTheStreamAtOnceAndLeavesNoTimer() {
        CountingIterator agent = new CountingIterator(words(1000).iterator(), -1);
        ReplyStream stream = stream(10);
        stream.start(() -> ChunkPublisher.immediate(agent));
        time.advance(25 * MS);
        stream.disconnect(sink);
        int pulled = agent.pulled.get();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(3, sink.chunks().size());
        assertTrue(sink.events().stream().noneMatch(e -> e.kind().startsWith("end")), "nothing is sent to no one");
        assertEquals(pulled, agent.pulled.get());
        assertEquals(List.of(StreamStatus.INTERRUPTED), endings);
    }

    @Test
    void anUndeliverableChunkEndsTheStreamAsDisconnected() {
        ReplyStream stream = stream(10);
        stream.start(() -> ChunkPublisher.immediate(words(100).iterator()));
        time.advance(15 * MS);
        sink.clientGone();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(2, sink.chunks().size());
        assertEquals(List.of(StreamStatus.INTERRUPTED), endings);
    }

    @Test
    void aClientThatResumesAfterADropGetsEverySeqExactlyOnceInOrder() {
        List<String> words = words(40);
        ReplyStream stream = stream(10, window(30_000, 1000));
        stream.start(() -> ChunkPublisher.immediate(words.iterator()));
        time.advance(45 * MS);
        sink.clientGone();
        time.advance(100 * MS);
        assertEquals(List.of(), endings, "the reply goes on without its client");
        int lastSeen = sink.chunks().get(sink.chunks().size() - 1).seq();

        RecordingSink resumed = new RecordingSink(time::nanoTime);
        assertEquals(ReplyStream.Resumed.RESUMED, stream.resume(resumed, lastSeen));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        List<Event> received = new ArrayList<>(sink.chunks());
        received.addAll(resumed.allChunks());
        assertEquals(IntStream.range(0, 40).boxed().toList(), received.stream().map(Event::seq).toList(),
                "every seq once, in order, across the two connections");
        assertEquals(words, received.stream().map(Event::text).toList());
        List<Event> replayed = resumed.events().stream().filter(e -> e.kind().equals("replayed")).toList();
        assertTrue(replayed.size() >= 9, "the chunks made while no client was there are sent again: " + replayed);
        assertEquals(replayed, resumed.events().subList(0, replayed.size()), "the missed chunks come first");
        for (int i = 1; i < replayed.size(); i++) {
            assertEquals(10 * MS, replayed.get(i).at() - replayed.get(i - 1).at(),
                    "a replayed chunk keeps the time it was made, at the reply's pace");
        }
        Event end = resumed.events().get(resumed.events().size() - 1);
        assertEquals("end:complete", end.kind());
        assertEquals(40, end.seq());
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
        assertEquals(String.join("", words), stream.ending(StreamStatus.COMPLETE).sentText());
    }

    @Test
    void aReplyThatEndedWhileNoClientWasThereIsSentFromItsLog() {
        ReplyStream stream = stream(10, window(30_000, 1000));
        stream.start(() -> ChunkPublisher.immediate(words(10).iterator()));
        time.advance(25 * MS);
        stream.detach(sink);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());
        assertEquals(List.of(StreamStatus.COMPLETE), endings, "it ended while detached");

        RecordingSink resumed = new RecordingSink(time::nanoTime);
        stream.resume(resumed, 1);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(IntStream.range(2, 10).boxed().toList(), resumed.allChunks().stream().map(Event::seq).toList());
        assertTrue(resumed.allChunks().stream().allMatch(e -> e.kind().equals("replayed")));
        assertEquals("end:complete", resumed.events().get(resumed.events().size() - 1).kind());
        assertEquals(10, resumed.events().get(resumed.events().size() - 1).seq());
    }

    @Test
    void theLogBoundPausesTheAgentThroughDemandUntilAClientResumes() {
        CountingIterator agent = new CountingIterator(IntStream.range(0, 10_000).mapToObj(i -> "w" + i).iterator(), -1);
        ReplyStream stream = stream(10, window(60_000, 5));
        stream.start(() -> ChunkPublisher.immediate(agent));
        time.advance(15 * MS);
        stream.detach(sink);
        time.advance(10_000 * MS);
        int pulled = agent.pulled.get();
        time.advance(10_000 * MS);

        assertEquals(pulled, agent.pulled.get(), "the agent is asked for nothing more while the log is full");
        assertTrue(pulled <= 2 + 5 + 8, "2 sent, 5 logged and the buffer's 8 at most: " + pulled);
        assertEquals(List.of(), endings);

        RecordingSink resumed = new RecordingSink(time::nanoTime);
        stream.resume(resumed, 1);
        time.advance(1_000 * MS);
        assertTrue(agent.pulled.get() > pulled + 50, "the agent goes on once a client is back: " + agent.pulled);
        assertEquals(IntStream.range(2, resumed.allChunks().size() + 2).boxed().toList(),
                resumed.allChunks().stream().map(Event::seq).toList());
    }

    @Test
    void aReplyNobodyResumesStopsItsAgentAtTheWindowsEndAndEndsInterruptedWithWhatItMade() {
        CountingIterator agent = new CountingIterator(IntStream.range(0, 10_000).mapToObj(i -> "w" + i).iterator(), -1);
        ReplyStream stream = stream(10, window(1_000, 1_000));
        stream.start(() -> ChunkPublisher.immediate(agent));
        time.advance(25 * MS);
        stream.detach(sink);
        time.advance(990 * MS);
        assertEquals(List.of(), endings, "still inside the window");
        time.advance(20 * MS);
        int pulled = agent.pulled.get();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(StreamStatus.INTERRUPTED), endings);
        assertEquals(pulled, agent.pulled.get(), "the agent was stopped");
        EndedReply ended = stream.ending(StreamStatus.INTERRUPTED);
        assertTrue(ended.sentChunks() >= 100, "it kept what it made for the window: " + ended.sentChunks());
        assertEquals(IntStream.range(0, ended.sentChunks()).mapToObj(i -> "w" + i).collect(Collectors.joining()),
                ended.sentText());
        assertEquals(3, sink.chunks().size(), "nothing went to the lost client after the drop");
    }

    @Test
    void withoutAWindowALostConnectionEndsTheReplyAtOnce() {
        ReplyStream stream = stream(10);
        stream.start(() -> ChunkPublisher.immediate(words(100).iterator()));
        time.advance(15 * MS);
        stream.detach(sink);

        assertEquals(List.of(StreamStatus.INTERRUPTED), endings);
        assertEquals(2, stream.ending(StreamStatus.INTERRUPTED).sentChunks());
    }

    @Test
    void aSecondConnectionTakesTheReplyOverAndTheFirstHearsItMoved() {
        ReplyStream stream = stream(10, window(30_000, 1000));
        stream.start(() -> ChunkPublisher.immediate(words(20).iterator()));
        time.advance(45 * MS);
        RecordingSink second = new RecordingSink(time::nanoTime);

        assertEquals(ReplyStream.Resumed.ALREADY_HERE, stream.resume(sink, 4), "the connection that has it");
        assertEquals(ReplyStream.Resumed.RESUMED, stream.resume(second, 2));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals("moved", sink.events().get(sink.events().size() - 1).kind());
        assertEquals(5, sink.chunks().size(), "the first connection got nothing more");
        assertEquals(IntStream.range(3, 20).boxed().toList(), second.allChunks().stream().map(Event::seq).toList());
        assertEquals("end:complete", second.events().get(second.events().size() - 1).kind());
    }

    @Test
    void aResumeAfterACancelGetsTheCancelledEnd() {
        ReplyStream stream = stream(10, window(30_000, 1000));
        stream.start(() -> ChunkPublisher.immediate(words(100).iterator()));
        time.advance(25 * MS);
        stream.detach(sink);
        RecordingSink resumed = new RecordingSink(time::nanoTime);
        stream.resume(resumed, 2);
        stream.cancel();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());
        RecordingSink again = new RecordingSink(time::nanoTime);
        stream.resume(again, 2);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals("end:cancelled", resumed.events().get(resumed.events().size() - 1).kind());
        assertEquals(List.of(StreamStatus.CANCELLED), endings);
        assertEquals("end:cancelled", again.events().get(again.events().size() - 1).kind());
        assertEquals(resumed.allChunks().stream().map(Event::seq).toList(),
                again.allChunks().stream().map(Event::seq).toList(), "the same chunks, from the log");
    }

    @Test
    void aChunkWrittenAsItsConnectionWasLostIsReplayedWithTheTimeItWasWritten() {
        List<ReplySink.Delivery> pending = new ArrayList<>();
        ReplySink slow = new ReplySink() {
            @Override
            public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
                pending.add(delivery); // written later, as a send that takes a while
            }

            @Override
            public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
            }

            @Override
            public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
            }

            @Override
            public void movedAway(String messageId, String replyTo) {
            }

            @Override
            public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
            }

            @Override
            public void busy(String replyTo, String reason, Duration retryAfter) {
            }
        };
        ReplyStream stream = new ReplyStream("m1", "c1", slow, time, time::nanoTime, 10 * MS, 8,
                window(30_000, 1000), (s, ending) -> endings.add(ending));
        stream.start(() -> ChunkPublisher.immediate(words(3).iterator()));
        time.advance(0);
        assertEquals(1, pending.size(), "chunk 0 is being written");
        time.advance(7 * MS);
        stream.detach(slow);
        pending.get(0).delivered(time.nanoTime()); // its write completes after the loss was seen

        RecordingSink resumed = new RecordingSink(time::nanoTime);
        stream.resume(resumed, -1);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        Event first = resumed.allChunks().get(0);
        assertEquals("replayed", first.kind());
        assertEquals(7 * MS, first.at(), "replayed with the time it was written, not the time it was handed over");
        assertEquals(List.of(0, 1, 2), resumed.allChunks().stream().map(Event::seq).toList());
    }

    /** Counts how many chunks the agent produced; throws at chunk {@code failAt} (or never, with -1). */
    private static final class CountingIterator implements Iterator<String> {
        private final Iterator<String> words;
        private final int failAt;
        final AtomicInteger pulled = new AtomicInteger();

        CountingIterator(Iterator<String> words, int failAt) {
            this.words = words;
            this.failAt = failAt;
        }

        @Override
        public boolean hasNext() {
            return words.hasNext();
        }

        @Override
        public String next() {
            if (pulled.get() == failAt) {
                throw new IllegalStateException("agent broke at chunk " + failAt);
            }
            pulled.incrementAndGet();
            return words.next();
        }
    }
}
