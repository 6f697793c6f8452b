package org.agentstream.chat;

import java.io.IOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.metrics.FrameMeters;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.turns.Outbox;
import org.agentstream.wire.ErrorCode;
import org.agentstream.wire.FrameCodec;
import org.agentstream.wire.OutboundFrame;
import org.agentstream.wire.WireTime;

/**
 * The single writer of one WebSocket session. Frames from every reply and every error queue here in call order;
 * the thread that finds no one writing becomes the writer and sends (send + flush) until the queue is empty, so no
 * two sends on a session ever overlap and no thread is handed work just to write. Chunks arrive here on the
 * streaming core's managed timer tasks, so those tasks are the ones that send them. A chunk's {@code sentAt} is
 * stamped when it is really written, not when it was queued.
 */
final class SessionOutbox implements Outbox {

    private static final Logger LOG = Logger.getLogger(SessionOutbox.class.getName());

    /**
     * A frame to send: {@code frame}, or a chunk, written when it is sent with that time as {@code sentAt}, or (when
     * {@code replayedFrom} is not {@link #LIVE}) as a replayed chunk first sent then.
     */
    private record Pending(OutboundFrame frame, String messageId, int seq, ReplyEvent event, Delivery delivery,
            long replayedFrom) {
    }

    private static final long LIVE = Long.MIN_VALUE;

    private final FrameTransport transport;
    private final FrameCodec codec;
    private final FrameMeters meters;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pumping = new AtomicBoolean();
    private volatile boolean closed;
    /** When the send under way started ({@link System#nanoTime()}), or {@link #IDLE}. */
    private volatile long writeStartedAt = IDLE;
    private static final long IDLE = Long.MIN_VALUE;

    SessionOutbox(FrameTransport transport, FrameCodec codec) {
        this(transport, codec, FrameMeters.NONE);
    }

    SessionOutbox(FrameTransport transport, FrameCodec codec, FrameMeters meters) {
        this.transport = transport;
        this.codec = codec;
        this.meters = meters;
    }

    @Override
    public void send(OutboundFrame frame) {
        if (frame instanceof OutboundFrame.Error error) {
            meters.errorSent(error.code());
        }
        enqueue(new Pending(frame, null, 0, null, null, LIVE));
    }

    /** How long the send under way has been blocked (the client is not reading), or 0 when none is. */
    long blockedNanos(long now) {
        long started = writeStartedAt;
        return started == IDLE ? 0 : Math.max(0, now - started);
    }

    /** The session is gone: what is still queued is dropped, and its chunks are reported undeliverable. */
    void close() {
        closed = true;
        drainUndeliverable();
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId) {
        streamStarted(messageId, replyTo, agent, conversationId, null);
    }

    @Override
    public void streamStarted(String messageId, String replyTo, String agent, String conversationId,
            String userMessageId) {
        send(new OutboundFrame.StreamStart(messageId, replyTo, agent, conversationId, userMessageId));
    }

    @Override
    public void chunk(String messageId, int seq, ReplyEvent event, Delivery delivery) {
        enqueue(new Pending(null, messageId, seq, event, delivery, LIVE));
    }

    @Override
    public void replayed(String messageId, int seq, ReplyEvent event, long sentNanos) {
        meters.replayedChunk();
        enqueue(new Pending(null, messageId, seq, event, null, sentNanos));
    }

    @Override
    public void movedAway(String messageId, String replyTo) {
        send(new OutboundFrame.Error(replyTo, messageId, ErrorCode.RESUMED_ELSEWHERE,
                "the reply was resumed on another connection; this one gets nothing more of it", null));
    }

    @Override
    public void streamEnded(String messageId, String replyTo, ReplyEnd end) {
        ReplyFailure failure = end.failure();
        if (failure != null) {
            send(new OutboundFrame.Error(replyTo, messageId, ErrorCode.of(failure.kind()), failure.message(), null));
        }
        send(endFrame(messageId, replyTo, end));
    }

    /** The {@code stream_end} frame of {@code end}. */
    static OutboundFrame.StreamEnd endFrame(String messageId, String replyTo, ReplyEnd end) {
        return new OutboundFrame.StreamEnd(messageId, replyTo, end.status().wireName(), end.chunks(),
                OutboundFrame.Usage.of(end.usage()), end.firstChunkMs());
    }

    /** The same frames, but the reply's failure was counted when it ended, not each time a client resumes it. */
    @Override
    public void replayedEnd(String messageId, String replyTo, ReplyEnd end) {
        ReplyFailure failure = end.failure();
        if (failure != null) {
            enqueue(new Pending(new OutboundFrame.Error(replyTo, messageId, ErrorCode.of(failure.kind()),
                    failure.message(), null), null, 0, null, null, LIVE));
        }
        send(endFrame(messageId, replyTo, end));
    }

    @Override
    public void busy(String replyTo, String reason, Duration retryAfter) {
        send(new OutboundFrame.Error(replyTo, null, ErrorCode.BUSY, reason, retryAfter.toMillis()));
    }

    private void enqueue(Pending pending) {
        if (closed) {
            undeliverable(pending);
            return;
        }
        queue.add(pending);
        if (pumping.compareAndSet(false, true)) {
            pump();
        }
    }

    private void pump() {
        do {
            Pending pending;
            while ((pending = queue.poll()) != null) {
                write(pending);
            }
            pumping.set(false);
        } while (!queue.isEmpty() && pumping.compareAndSet(false, true));
    }

    private void write(Pending pending) {
        if (closed) {
            undeliverable(pending);
            return;
        }
        long now = System.nanoTime();
        writeStartedAt = now;
        try {
            transport.send(pending.frame() != null ? codec.encode(pending.frame())
                    : pending.replayedFrom() == LIVE
                            ? codec.event(pending.messageId(), pending.seq(), pending.event(),
                                    WireTime.epochMillis(now), false)
                            : codec.event(pending.messageId(), pending.seq(), pending.event(),
                                    WireTime.epochMillis(pending.replayedFrom()), true));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Client gone; dropping its queued frames", e);
            closed = true;
            undeliverable(pending);
            drainUndeliverable();
            return;
        } finally {
            writeStartedAt = IDLE;
        }
        if (pending.delivery() != null) {
            try {
                pending.delivery().delivered(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A reply failed to take its next step", e);
            }
        }
    }

    private void drainUndeliverable() {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            undeliverable(pending);
        }
    }

    private static void undeliverable(Pending pending) {
        if (pending.delivery() != null) {
            pending.delivery().undeliverable();
        }
    }
}
