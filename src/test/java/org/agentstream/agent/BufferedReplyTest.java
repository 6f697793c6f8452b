package org.agentstream.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.testing.doubles.RecordingSubscriber;
import org.junit.jupiter.api.Test;

/** The outlet of a self-paced producer: items wait for demand, the end comes after them, a cancel stops it once. */
class BufferedReplyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger stopped = new AtomicInteger();
    private final BufferedReply<String> reply = new BufferedReply<>(started::incrementAndGet,
            stopped::incrementAndGet);

    @Test
    void itemsWaitForDemandAndTheEndComesAfterThem() throws Exception {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>(1, WAIT);
        reply.subscribe(subscriber);
        assertEquals(1, started.get(), "the producer starts once subscribed");

        reply.emit("a");
        reply.emit("b");
        reply.complete();
        assertEquals(List.of("a"), subscriber.received());
        assertFalse(subscriber.ended(), "not ended while an item waits");

        subscriber.subscription().request(5);
        assertNull(subscriber.awaitEnd());
        assertEquals(List.of("a", "b"), subscriber.received());
        assertEquals(0, stopped.get());
    }

    @Test
    void aCancelStopsTheProducerOnceAndDropsWhatWaits() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>(1, WAIT);
        reply.subscribe(subscriber);
        subscriber.subscription().cancel();
        subscriber.subscription().cancel();
        reply.emit("late");
        reply.fail(new IllegalStateException("late"));

        assertEquals(1, stopped.get());
        assertTrue(reply.ended());
        assertTrue(subscriber.received().isEmpty());
        assertFalse(subscriber.ended(), "a cancelled subscriber is signalled nothing");
    }

    @Test
    void aRequestFlowForbidsFailsTheReplyAndStopsTheProducer() throws Exception {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>(1, WAIT);
        reply.subscribe(subscriber);
        subscriber.subscription().request(0);

        assertInstanceOf(IllegalArgumentException.class, subscriber.awaitEnd());
        assertEquals(1, stopped.get());
    }
}
