package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.Test;

/** A reply of every kind of event (reasoning, tool calls and results, text, usage) through the streaming core. */
class TypedReplyTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler time = new VirtualScheduler();
    private final RecordingSink sink = new RecordingSink(time::nanoTime);
    private final List<StreamStatus> endings = new CopyOnWriteArrayList<>();

    private static final ReplyEvent.Usage USAGE = new ReplyEvent.Usage("m-1", 12, 34, "stop");

    /** A model-like reply: it thinks, calls a tool with its arguments in three pieces, gets its result, answers. */
    private static List<ReplyEvent> toolReply() {
        return List.of(new ReplyEvent.Reasoning("the user wants "), new ReplyEvent.Reasoning("the time"),
                new ReplyEvent.ToolCall("call-1", "clock", "{\"zo"),
                new ReplyEvent.ToolCall("call-1", "clock", "ne\":"),
                new ReplyEvent.ToolCall("call-1", "clock", "\"UTC\"}"),
                new ReplyEvent.ToolResult("call-1", true, "12:00", 4), new ReplyEvent.Text("It is "),
                new ReplyEvent.Text("noon."), USAGE);
    }

    private ReplyStream stream(int bufferSize, ReplyStream.Resumption resumption) {
        return new ReplyStream("m1", "c1", sink, time, time::nanoTime, 10 * MS, bufferSize, resumption,
                (stream, ending) -> endings.add(ending));
    }

    @Test
    void everyKindGoesOutInOrderWithOneSeqThePauseApartAndUsageWithTheEnd() {
        ScriptedReply agent = new ScriptedReply(toolReply());
        ReplyStream stream = stream(8, ReplyStream.Resumption.NONE);
        time.advance(7 * MS);
        stream.observe(ReplyObserver.NONE, 0); // the message arrived 7 ms before the reply started
        stream.start(() -> agent);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        List<Event> frames = sink.chunks();
        List<ReplyEvent> sent = frames.stream().map(Event::event).toList();
        assertEquals(toolReply().subList(0, 8), sent, "every event but usage, as a frame, in order");
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i, frames.get(i).seq(), "one sequence for every kind");
            if (i > 0) {
                assertEquals(10 * MS, frames.get(i).at() - frames.get(i - 1).at(), "the pause before frame " + i);
            }
        }
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
        ReplyEnd end = sink.ends().get(0);
        assertEquals(8, end.chunks(), "stream_end counts every frame");
        assertEquals(USAGE, end.usage());
        assertEquals(7L, end.firstChunkMs(), "from the message's arrival to the first frame");
        assertTrue(agent.withinDemand(), "never more events than asked for");
    }

    @Test
    void usageGivesItsDemandBackSoAReplyWithItInTheMiddleAndABufferOfOneStillEnds() {
        List<ReplyEvent> events = new ArrayList<>(toolReply());
        events.add(3, new ReplyEvent.Usage("early", 1, 1, null));
        ScriptedReply agent = new ScriptedReply(events);
        stream(1, ReplyStream.Resumption.NONE).start(() -> agent);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(8, sink.chunks().size());
        assertEquals(List.of(StreamStatus.COMPLETE), endings);
        assertEquals(USAGE, sink.ends().get(0).usage(), "the last usage the agent said");
        assertTrue(agent.withinDemand());
    }

    /** An agent that emits from inside request, with no guard against being called again from onNext. */
    @Test
    void anAgentThatReportsUsageOnEveryTokenFromInsideRequestDoesNotRecurseWithoutEnd() {
        int usages = 50_000;
        stream(1, ReplyStream.Resumption.NONE).start(() -> subscriber -> subscriber.onSubscribe(
                new Flow.Subscription() {
                    private int made;

                    @Override
                    public void request(long n) {
                        for (long i = 0; i < n && made <= usages; i++) {
                            made++;
                            subscriber.onNext(made <= usages ? new ReplyEvent.Usage("u", made, made, null)
                                    : new ReplyEvent.Text("done"));
                        }
                        if (made > usages) {
                            made++;
                            subscriber.onComplete();
                        }
                    }

                    @Override
                    public void cancel() {
                    }
                }));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(StreamStatus.COMPLETE), endings);
        assertEquals(List.of(new ReplyEvent.Text("done")), sink.chunks().stream().map(Event::event).toList());
        assertEquals(usages, sink.ends().get(0).usage().outputTokens(), "the last usage said");
    }

    @Test
    void cancelDuringAToolCallStopsTheAgentAndSendsNothingMore() {
        ScriptedReply agent = new ScriptedReply(toolReply());
        ReplyStream stream = stream(8, ReplyStream.Resumption.NONE);
        stream.start(() -> agent);
        time.advance(25 * MS); // frames 0, 1 and 2 (the call's first piece) are out
        stream.cancel();
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(3, sink.chunks().size());
        assertEquals(new ReplyEvent.ToolCall("call-1", "clock", "{\"zo"), sink.chunks().get(2).event());
        assertEquals(List.of(StreamStatus.CANCELLED), endings);
        assertTrue(agent.cancelled.get(), "the agent heard the cancel");
        assertEquals(USAGE, sink.ends().get(0).usage(), "what the model used counts for a cancelled reply too");
    }

    @Test
    void aClientThatResumesMidToolCallGetsTheCallsFramesFromTheLogOnceThenTheRestLive() {
        ScriptedReply agent = new ScriptedReply(toolReply());
        ReplyStream stream = stream(8, new ReplyStream.Resumption(60_000 * MS, 100));
        stream.start(() -> agent);
        time.advance(25 * MS); // frames 0..2 sent
        stream.detach(sink);
        time.advance(15 * MS); // frames 3 and 4 only logged
        RecordingSink resumed = new RecordingSink(time::nanoTime);
        stream.resume(resumed, 2);
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        List<Event> replayed = resumed.events().stream().filter(e -> e.kind().equals("replayed")).toList();
        assertEquals(List.of(3, 4), replayed.stream().map(Event::seq).toList(), "what it missed, once");
        assertEquals(List.of(new ReplyEvent.ToolCall("call-1", "clock", "ne\":"),
                new ReplyEvent.ToolCall("call-1", "clock", "\"UTC\"}")),
                replayed.stream().map(Event::event).toList());
        assertEquals(List.of(5, 6, 7), resumed.chunks().stream().map(Event::seq).toList(), "then live");
        assertEquals(new ReplyEvent.ToolResult("call-1", true, "12:00", 4), resumed.chunks().get(0).event());
        assertEquals(USAGE, resumed.ends().get(0).usage());

        EndedReply ended = stream.ending(StreamStatus.COMPLETE);
        assertEquals("It is noon.", ended.sentText(), "the stored text is the text alone");
        assertEquals(8, ended.sentChunks());
        assertEquals(6, ended.events().size(), "reasoning, the call's pieces and its result, by seq");
        assertEquals(USAGE, ended.usage());
    }

    @Test
    void anAgentWhoseStartOverflowsItsStackFailsItsReplyAtOnce() {
        stream(8, ReplyStream.Resumption.NONE).start(() -> {
            throw new StackOverflowError("a recursion too deep");
        });
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(StreamStatus.FAILED), endings);
    }

    @Test
    void anItemThatIsNeitherTextNorAnEventFailsTheReply() {
        stream(8, ReplyStream.Resumption.NONE).start(() -> new ScriptedReply(List.of(42)));
        time.runUntilIdle(Duration.ofMinutes(1).toNanos());

        assertEquals(List.of(StreamStatus.FAILED), endings);
        assertEquals(0, sink.chunks().size());
    }

    /** Emits its items as demand allows, on the thread that asks; records a breach of demand and a cancel. */
    private static final class ScriptedReply implements Flow.Publisher<Object>, Flow.Subscription {
        private final List<?> items;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private Flow.Subscriber<? super Object> subscriber;
        private long demand;
        private int next;
        private boolean emitting;
        private boolean breached;

        ScriptedReply(List<?> items) {
            this.items = items;
        }

        boolean withinDemand() {
            return !breached;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
            subscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            demand += n;
            if (emitting) {
                return; // the loop below goes on with the new demand
            }
            emitting = true;
            while (demand > 0 && next < items.size() && !cancelled.get()) {
                demand--;
                breached |= demand < 0;
                subscriber.onNext(items.get(next++));
            }
            emitting = false;
            if (next == items.size() && !cancelled.get()) {
                next++;
                subscriber.onComplete();
            }
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}
