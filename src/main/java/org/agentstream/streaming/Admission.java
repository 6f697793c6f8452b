package org.agentstream.streaming;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One admitted reply's life: it holds its place under the limits from its admission, is started or given back
 * once, moves to the connection of a client that resumes it, and gives its place back once when it ends.
 */
public final class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class.getName());

    private final String owner;
    private final ReplySink sink;
    private final String replyTo;
    private final ReplyStream stream;
    private final Duration resumeWindow;
    private final StreamingCore core;
    /** When the message arrived ({@link StreamingCore#nanoClock()}): its reply's first chunk is timed from then. */
    private final long arrivedNanos;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The connection the reply streams on, or null once it ended; guarded by this. */
    private ConnectionStreams holder;
    private boolean released;
    /** Taken once, by whichever hears the end first: the stream's end, or a start after the client left. */
    private final AtomicReference<Consumer<EndedReply>> recorder = new AtomicReference<>();

    /** A reply to {@code replyTo} that streams on {@code connection} from now on. */
    Admission(ConnectionStreams connection, ReplySink sink, String replyTo, StreamSettings.Values values,
            StreamingCore core) {
        this.owner = connection.owner();
        this.sink = sink;
        this.replyTo = replyTo;
        this.resumeWindow = values.resumeWindow();
        this.core = core;
        this.arrivedNanos = core.nanoClock().getAsLong();
        String messageId = UUID.randomUUID().toString();
        this.stream = new ReplyStream(messageId, replyTo, sink, core.timer(), core.nanoClock(),
                values.pause().toNanos(), values.bufferChunks(), values.resumption(),
                core.directory().newLog(messageId), (ended, status) -> ended(status));
        this.holder = connection;
        connection.add(stream);
    }

    public String messageId() {
        return stream.messageId();
    }

    /**
     * What the reply has sent so far (its log: the text, each chunk's end and send time), as it would be stored if it
     * were interrupted now; read under the reply's lock, for the history to write while the reply streams.
     */
    public EndedReply sentSoFar() {
        return stream.ending(StreamStatus.INTERRUPTED);
    }

    ReplyStream stream() {
        return stream;
    }

    /** Whose reply it is. */
    public String owner() {
        return owner;
    }

    /** The client's id of the message it answers. */
    public String replyTo() {
        return replyTo;
    }

    /** Whether {@code someone} (null: nobody) owns the reply: only its owner may resume it. */
    boolean isOwnedBy(String someone) {
        return someone != null && someone.equals(owner);
    }

    /**
     * Starts the agent's reply. {@code reply} is asked for the agent's publisher on the streaming core's
     * executor. {@code recorder}, if given, hears once how the reply ended and exactly what was sent of it (a
     * reply whose client left while it was being prepared ends interrupted with nothing sent).
     */
    public void start(String agentName, String conversationId, Supplier<Flow.Publisher<?>> reply,
            Consumer<EndedReply> recorder) {
        start(agentName, conversationId, reply, recorder, null);
    }

    /**
     * {@link #start(String, String, Supplier, Consumer)}, with the {@code turn} that a {@link ReplyRecorder} stores
     * the reply from: in a cluster, another node stores it thus if this one dies while it streams.
     */
    public void start(String agentName, String conversationId, Supplier<Flow.Publisher<?>> reply,
            Consumer<EndedReply> recorder, String turn) {
        start(agentName, conversationId, null, reply, recorder, turn);
    }

    /** {@link #start(String, String, Supplier, Consumer, String)}, naming the user message it answers to the client. */
    public void start(String agentName, String conversationId, String userMessageId,
            Supplier<Flow.Publisher<?>> reply, Consumer<EndedReply> recorder, String turn) {
        if (!settled.compareAndSet(false, true)) {
            throw new IllegalStateException("a reply is started or given back once");
        }
        if (recorder != null) {
            this.recorder.set(recorder);
        }
        if (stream.hasEnded()) {
            record(StreamStatus.INTERRUPTED);
            return;
        }
        String messageId = stream.messageId();
        stream.observe(core.observers().reply(agentName, messageId), arrivedNanos);
        core.directory().started(this, turn);
        try {
            core.timer().newTimeout(() -> {
                sink.streamStarted(messageId, replyTo, agentName, conversationId, userMessageId);
                stream.start(reply);
            }, 0);
        } catch (RejectedExecutionException rejected) {
            this.recorder.set(null);
            release();
            core.directory().forget(this);
            core.rules().refuse(sink, replyTo, "the server's executor takes no more work");
            return;
        }
        core.counters().started();
        LOG.log(Level.FINE, "Stream {0} starts: agent {1}, reply to {2}", new Object[] {messageId, agentName, replyTo});
    }

    /** The reply will not start after all: its place is free again, and the client was told why by the caller. */
    public void giveBack() {
        if (settled.compareAndSet(false, true)) {
            release();
            core.directory().forget(this);
        }
    }

    /**
     * Moves the reply to {@code connection}, whose client has every chunk up to {@code afterSeq}; false when it
     * streams there already. Its holder and the stream's client change together, under this monitor (the stream's
     * own lock is taken inside it, never the other way round), so two resumes at once leave it on one connection;
     * what the client missed is sent after.
     */
    boolean moveTo(ConnectionStreams connection, ReplySink to, int afterSeq) {
        synchronized (this) {
            if (holder == connection || stream.attach(to, afterSeq) == ReplyStream.Resumed.ALREADY_HERE) {
                return false;
            }
            if (holder != null) {
                holder.remove(stream);
            }
            holder = released ? null : connection;
            if (holder != null) {
                holder.add(stream);
            }
        }
        stream.sendOn();
        return true;
    }

    /** Ends the reply as interrupted now, wherever it streams (the application stops); false if it had ended. */
    boolean interrupt() {
        if (stream.hasEnded()) {
            return false;
        }
        stream.disconnect(null);
        return true;
    }

    private void ended(StreamStatus status) {
        core.counters().ended(status);
        LOG.log(Level.FINE, "Stream {0} ended: {1}", new Object[] {stream.messageId(), status});
        release();
        record(status);
        // an ended reply can still be resumed from its log for the window (its client may have lost its end on the
        // way), and from the stored reply after that
        if (!resumeWindow.isZero()) {
            core.directory().forgetAfter(this, resumeWindow);
        }
    }

    private void record(StreamStatus status) {
        Consumer<EndedReply> listener = recorder.getAndSet(null);
        if (listener != null) {
            listener.accept(stream.ending(status));
        }
    }

    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            if (holder != null) {
                holder.remove(stream);
                holder = null;
            }
        }
        core.overdue().forget(stream);
        core.rules().release(owner);
    }
}
