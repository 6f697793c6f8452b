package org.agentstream.cluster;

import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.ReplySink;
import org.agentstream.streaming.StreamStatus;
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
    public void chunk(String messageId, int seq, String delta, Delivery delivery) {
        long now = nanoClock.getAsLong();
        send("chunk", chunk -> chunk.add("seq", seq).add("delta", delta).add("sentAt", WireTime.epochMicros(now)));
        delivery.delivered(now);
    }

    @Override
    public void replayed(String messageId, int seq, String delta, long sentNanos) {
        send("chunk", chunk -> chunk.add("seq", seq).add("delta", delta).add("replayed", true)
                .add("sentAt", WireTime.epochMicros(sentNanos)));
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        send("moved", null);
        directory.servedEnded(relayId);
    }

    @Override
    public void streamEnded(String messageId, String replyTo, StreamStatus status, int chunks, ReplyFailure failure) {
        send("end", end -> {
            end.add("status", status.name()).add("chunks", chunks);
            if (failure != null) {
                end.add("failure", failure.kind().name()).add("failureMessage", failure.message());
            }
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
