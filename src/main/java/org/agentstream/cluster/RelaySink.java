package org.agentstream.cluster;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.ReplyEventJson;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.ReplySink;
import org.agentstream.wire.WireTime;

/**
 * Where a reply running on this node sends its frames when a client resumed it on another member: over the grid to
 * that member's {@link RelayedReply}, in order. A chunk counts as written once it is handed to the grid, so the reply
 * keeps its pace here; the other member sends it on at once.
 */
final class RelaySink implements ReplySink {

    private final GridReplyDirectory directory;
    private final String member;
    private final String relayId;
    private final LongSupplier nanoClock;

    RelaySink(GridReplyDirectory directory, String member, String relayId, LongSupplier nanoClock) {
        this.directory = directory;
        this.member = member;
        this.relayId = relayId;
        this.nanoClock = nanoClock;
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        // a resumed reply started long ago: its client had stream_start
    }

    @Override
    public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
        long now = nanoClock.getAsLong();
        send("chunk", chunk -> frame(chunk.add("seq", seq), event).add("sentAt", WireTime.epochMicros(now)));
        delivery.delivered(now);
    }

    @Override
    public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
        send("chunk", chunk -> frame(chunk.add("seq", seq), event).add("replayed", true)
                .add("sentAt", WireTime.epochMicros(sentNanos)));
    }

    /** A frame's text as {@code delta}, or its other event as {@code event}; {@link #event} reads it. */
    private static JsonObjectBuilder frame(JsonObjectBuilder chunk, ReplyEvent event) {
        return event instanceof ReplyEvent.Text text ? chunk.add("delta", text.delta())
                : chunk.add("event", ReplyEventJson.toJson(event));
    }

    /** The event of a relayed frame, or null when it holds none this version knows. */
    static ReplyEvent event(JsonObject chunk) {
        return chunk.containsKey("event") ? ReplyEventJson.fromJson(chunk.getJsonObject("event"))
                : new ReplyEvent.Text(chunk.getString("delta"));
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        send("moved", null);
        directory.servedEnded(relayId);
    }

    @Override
    public void streamEnded(String messageId, String replyTo, ReplyEnd ended) {
        send("end", end -> {
            end.add("status", ended.status().name()).add("chunks", ended.chunks());
            ReplyFailure failure = ended.failure();
            if (failure != null) {
                end.add("failure", failure.kind().name()).add("failureMessage", failure.message());
            }
            ReplyRecords.addEndFigures(end, ended.usage(), ended.firstChunkMs());
        });
        directory.servedEnded(relayId);
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        // a resumed reply was admitted long ago
    }

    private void send(String order, Consumer<JsonObjectBuilder> details) {
        directory.send(member, relayId, order, details);
    }
}
