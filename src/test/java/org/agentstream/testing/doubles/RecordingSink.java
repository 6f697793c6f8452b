package org.agentstream.testing.doubles;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplySink;

/** A sink that records every call with the clock's time and reports each chunk delivered at once (unless stalled). */
public final class RecordingSink implements ReplySink {

    /**
     * One call to the sink; a frame's {@code text} is its text, or for another kind of event its kind and fields
     * ({@code event} has it whole).
     */
    public record Event(String kind, String messageId, int seq, String text, long at, ReplyEvent event) {
        Event(String kind, String messageId, int seq, String text, long at) {
            this(kind, messageId, seq, text, at, null);
        }
    }

    /** How a frame shows in {@link Event#text}: a text's delta, or the event as a record prints. */
    public static String text(ReplyEvent event) {
        return event instanceof ReplyEvent.Text text ? text.delta() : event.toString();
    }

    private final LongSupplier clock;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<ReplyEnd> ends = new CopyOnWriteArrayList<>();
    private volatile boolean clientGone;
    private volatile boolean stalled;

    public RecordingSink(LongSupplier clock) {
        this.clock = clock;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Every end told, in order, whole. */
    public List<ReplyEnd> ends() {
        return List.copyOf(ends);
    }

    public List<Event> chunks() {
        return events.stream().filter(e -> e.kind().equals("chunk")).toList();
    }

    /** Live and replayed chunks, in the order they were sent; a replayed one is {@code at} its first send time. */
    public List<Event> allChunks() {
        return events.stream().filter(e -> e.kind().equals("chunk") || e.kind().equals("replayed")).toList();
    }

    /** From now on chunks are undeliverable, as when the client has disconnected. */
    public void clientGone() {
        clientGone = true;
    }

    /** From now on chunks are taken but never reported written, as on a connection that stopped reading. */
    public void stall() {
        stalled = true;
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        events.add(new Event("start", messageId, -1, agent, clock.getAsLong()));
    }

    @Override
    public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
        if (clientGone) {
            delivery.undeliverable();
            return;
        }
        long now = clock.getAsLong();
        events.add(new Event("chunk", messageId, seq, text(event), now, event));
        if (!stalled) {
            delivery.delivered(now);
        }
    }

    @Override
    public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
        events.add(new Event("replayed", messageId, seq, text(event), sentNanos, event));
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        events.add(new Event("moved", messageId, -1, null, clock.getAsLong()));
    }

    @Override
    public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
        ends.add(end);
        events.add(new Event("end:" + end.status().wireName(), messageId, end.chunks(),
                end.failure() == null ? null : end.failure().message(), clock.getAsLong()));
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        events.add(new Event("busy", null, -1, reason, clock.getAsLong()));
    }
}
