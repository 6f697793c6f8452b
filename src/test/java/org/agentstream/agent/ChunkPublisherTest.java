package org.agentstream.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

class ChunkPublisherTest {

    /** Records what it gets; requests only what the test asks for. */
    private static final class Recorder implements Flow.Subscriber<String> {
        final List<String> chunks = new ArrayList<>();
        Flow.Subscription subscription;
        Throwable error;
        boolean complete;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(String item) {
            chunks.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            complete = true;
        }
    }

    private static List<String> words(int count) {
        return IntStream.range(0, count).mapToObj(i -> "w" + i).toList();
    }

    @Test
    void producesNoMoreThanWasRequested() {
        Recorder recorder = new Recorder();
        ChunkPublisher.immediate(words(10).iterator()).subscribe(recorder);
        assertTrue(recorder.chunks.isEmpty());

        recorder.subscription.request(3);
        assertEquals(words(3), recorder.chunks);
        recorder.subscription.request(100);
        assertEquals(words(10), recorder.chunks);
        assertTrue(recorder.complete);
    }

    @Test
    void aPacedPublisherWaitsItsGapOnTheSchedulerNotOnAThread() {
        VirtualScheduler time = new VirtualScheduler();
        Recorder recorder = new Recorder();
        ChunkPublisher.paced(words(3).iterator(), Duration.ofMillis(30), time).subscribe(recorder);
        recorder.subscription.request(10);

        assertTrue(recorder.chunks.isEmpty(), "the first chunk comes after a gap too");
        time.advance(Duration.ofMillis(30).toNanos());
        assertEquals(words(1), recorder.chunks);
        time.advance(Duration.ofMillis(29).toNanos());
        assertEquals(words(1), recorder.chunks);
        time.advance(Duration.ofMillis(31).toNanos());
        assertEquals(words(3), recorder.chunks);
        assertTrue(recorder.complete);
    }

    @Test
    void cancelStopsProduction() {
        VirtualScheduler time = new VirtualScheduler();
        Recorder recorder = new Recorder();
        ChunkPublisher.paced(words(100).iterator(), Duration.ofMillis(10), time).subscribe(recorder);
        recorder.subscription.request(100);
        time.advance(Duration.ofMillis(35).toNanos());
        recorder.subscription.cancel();
        time.runUntilIdle(Duration.ofSeconds(10).toNanos());

        assertEquals(3, recorder.chunks.size());
        assertTrue(!recorder.complete && recorder.error == null);
    }

    @Test
    void anIteratorThatThrowsBecomesOnError() {
        Recorder recorder = new Recorder();
        ChunkPublisher.immediate(IntStream.range(0, 10).mapToObj(i -> {
            if (i == 2) {
                throw new IllegalStateException("boom");
            }
            return "w" + i;
        }).iterator()).subscribe(recorder);
        recorder.subscription.request(10);

        assertEquals(words(2), recorder.chunks);
        assertEquals("boom", recorder.error.getMessage());
    }
}
