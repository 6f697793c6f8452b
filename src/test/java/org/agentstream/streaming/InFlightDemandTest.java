package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

/**
 * A chunk in flight to a client that loses the reply never reports its delivery, so the demand it would have asked
 * for is owed to the agent: every such chunk gives one back, however the losses interleave with the steps.
 */
class InFlightDemandTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();

    /** An agent the test drives: it emits when told, and counts what it was asked for. */
    private static final class DrivenAgent implements Flow.Publisher<String> {
        final AtomicLong requested = new AtomicLong();
        Flow.Subscriber<? super String> subscriber;

        @Override
        public void subscribe(Flow.Subscriber<? super String> subscriber) {
            this.subscriber = subscriber;
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    private RecordingSink stalled() {
        RecordingSink sink = new RecordingSink(time::nanoTime);
        sink.stall();
        return sink;
    }

    @Test
    void twoChunksAbandonedBeforeTheFirstResumeSendsOnGiveBackTwoRequests() {
        RecordingSink first = stalled();
        DrivenAgent agent = new DrivenAgent();
        ReplyStream stream = new ReplyStream("m1", "c1", first, time, time::nanoTime, 0, 2,
                new ReplyStream.Resumption(30_000 * MS, 1000), (s, e) -> { });
        stream.start(() -> agent);
        agent.subscriber.onNext("a ");
        time.advance(0);
        assertEquals(List.of(0), first.chunks().stream().map(Event::seq).toList(), "chunk 0 is in flight");

        RecordingSink second = stalled();
        stream.attach(second, -1); // the first resume has moved the reply, and not yet sent on
        agent.subscriber.onNext("b ");
        time.advance(0); // a step on another thread replays chunk 0 and hands chunk 1 to the second connection
        assertEquals(List.of(1), second.chunks().stream().map(Event::seq).toList(), "chunk 1 is in flight");

        stream.attach(stalled(), -1); // a second resume moves it again
        stream.sendOn();
        stream.sendOn();

        assertEquals(2 + 2, agent.requested.get(), "the buffer's 2, and one for each chunk abandoned in flight");
    }
}
