package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.timing.StepTimer;
import org.junit.jupiter.api.Test;

class ResumeWindowTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();
    private final RecordingSink lost = new RecordingSink(time::nanoTime);
    private final ResumeWindow window = new ResumeWindow(new Object(), time, new ReplyStream.Resumption(1_000 * MS, 3));

    @Test
    void theEndOfAWindowThatClosedOrWasReplacedIsNoLongerOpen() {
        int first = window.open(lost);
        window.armEnd(first, () -> { });
        assertTrue(window.isOpen(first));
        assertTrue(window.isLostOn(lost));

        assertNotNull(window.close(), "a resume cancels the armed end");
        assertFalse(window.isOpen(first), "an end that fires after the resume does nothing");
        assertFalse(window.isLostOn(lost));
        assertNull(window.close(), "nothing left to cancel");

        int second = window.open(lost);
        assertFalse(window.isOpen(first), "nor after the reply was lost again");
        assertTrue(window.isOpen(second));
    }

    @Test
    void anEndArmedForAWindowThatClosedMeanwhileIsCancelled() {
        int generation = window.open(lost);
        window.close(); // a resume came before the end was armed, outside the lock
        AtomicBoolean ran = new AtomicBoolean();
        window.armEnd(generation, () -> ran.set(true));

        assertNull(window.close(), "it was not kept");
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());
        assertFalse(ran.get(), "it was cancelled");
    }

    @Test
    void theWindowHoldsAsManyChunksAsItMayAndStartsEmptyEachTime() {
        window.open(lost);
        for (int i = 0; i < 3; i++) {
            assertFalse(window.full());
            window.made();
        }
        assertTrue(window.full());

        window.close();
        window.open(lost);
        assertFalse(window.full());
    }

    @Test
    void aWindowEndThatFiresAfterAResumeDoesNotInterruptTheReply() {
        // a timer whose steps cannot be cancelled: each runs when due, as one already running would
        StepTimer late = (step, delayNanos) -> {
            time.newTimeout(step, delayNanos);
            return () -> false;
        };
        List<StreamStatus> endings = new CopyOnWriteArrayList<>();
        ReplyStream stream = new ReplyStream("m1", "c1", lost, late, time::nanoTime, 10 * MS, 8,
                new ReplyStream.Resumption(1_000 * MS, 1_000), (s, e) -> endings.add(e));
        List<String> words = IntStream.range(0, 300).mapToObj(i -> "w" + i + " ").toList();
        stream.start(() -> ChunkPublisher.immediate(words.iterator()));
        time.advance(25 * MS);
        stream.detach(lost); // its window ends at 1 025 ms
        time.advance(100 * MS);
        RecordingSink second = new RecordingSink(time::nanoTime);
        stream.resume(second, lost.chunks().size() - 1);
        time.advance(775 * MS);
        stream.detach(second); // lost again at 900 ms: this window ends at 1 900 ms
        time.advance(600 * MS);

        assertEquals(List.of(), endings, "the first window's end fired at 1 025 ms and did nothing");
        RecordingSink third = new RecordingSink(time::nanoTime);
        stream.resume(third, second.allChunks().get(second.allChunks().size() - 1).seq());
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
        List<Event> received = new ArrayList<>(lost.chunks());
        received.addAll(second.allChunks());
        received.addAll(third.allChunks());
        assertEquals(IntStream.range(0, 300).boxed().toList(), received.stream().map(Event::seq).toList());
    }
}
