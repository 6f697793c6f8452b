package org.agentstream.cluster;

import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ConnectionReply;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplySink;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.timing.SerialTasks;
import org.agentstream.wire.WireTime;

/**
 * A reply that a client resumed on this node while it runs on another member (its source): the source sends its
 * frames here over the grid ({@link RelaySink}) and this node hands them to the client's connection, each seq once;
 * the client's cancel and the connection's end go back to the source. When the source leaves the view, or the reply
 * has ended already, what the client lacks comes from the grid's log, then its end.
 */
final class RelayedReply implements ConnectionReply {

    private static final ReplySink.Delivery UNTRACKED = new ReplySink.Delivery() {
        @Override
        public void delivered(long sentNanos) {
            // the source paces the reply; this node only passes its chunks on
        }

        @Override
        public void undeliverable() {
            // the connection's end detaches the reply from its source
        }
    };

    private final GridReplyDirectory directory;
    private final String relayId;
    private final ReplyRecords.Header header;
    private final ConnectionStreams connection;
    private final ReplySink sink;
    /** The client's frames, one at a time off the grid's threads: a client that does not read holds up no one else. */
    private final SerialTasks toClient;
    /** The last seq the client has; guarded by this, like {@code done}. */
    private int lastSeq;
    private boolean done;

    RelayedReply(GridReplyDirectory directory, String relayId, ReplyRecords.Header header,
            ConnectionStreams connection, ReplySink sink, int afterSeq) {
        this.directory = directory;
        this.relayId = relayId;
        this.header = header;
        this.connection = connection;
        this.sink = sink;
        this.toClient = new SerialTasks(directory.work());
        this.lastSeq = Math.max(-1, Math.min(afterSeq, Integer.MAX_VALUE - 1));
    }

    /** Makes {@code resume}, the order to the source, while nothing else can be sent for this relay. */
    synchronized void start(Runnable resume) {
        resume.run();
    }

    /** The last seq the client had when it resumed. */
    synchronized int afterSeq() {
        return lastSeq;
    }

    @Override
    public String messageId() {
        return header.messageId();
    }

    String relayId() {
        return relayId;
    }

    /** The member the reply runs on. */
    String source() {
        return header.member();
    }

    /**
     * A chunk from the source, live or replayed from its log. One that the grid lost on the way (a gap) is read from
     * the grid's log, which has every chunk the source sent.
     */
    synchronized void chunk(int seq, ReplyEvent event, boolean replayed, long sentAtMicros) {
        if (done || seq <= lastSeq) {
            return;
        }
        if (seq > lastSeq + 1) {
            for (ReplyRecords.LoggedChunk missed : ReplyRecords.read(directory.replies(), messageId(), lastSeq + 1,
                    seq)) {
                replay(missed.seq(), missed.event(), missed.sentAtMicros());
            }
        }
        lastSeq = seq;
        if (replayed) {
            replay(seq, event, sentAtMicros);
        } else {
            toClient.execute(() -> sink.chunk(messageId(), seq, event, UNTRACKED));
        }
    }

    /** Sends chunk {@code seq} again, as first sent at {@code sentAtMicros}; holding this. */
    private void replay(int seq, ReplyEvent event, long sentAtMicros) {
        lastSeq = seq;
        toClient.execute(() -> sink.replayed(messageId(), seq, event, WireTime.nanoTime(sentAtMicros)));
    }

    /** The reply ended on its source. */
    void ended(ReplyEnd end) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            toClient.execute(() -> sink.streamEnded(messageId(), header.replyTo(), end));
        }
        leave();
    }

    /** Another connection resumed the reply. */
    void moved() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            toClient.execute(() -> sink.movedAway(messageId(), header.replyTo()));
        }
        leave();
    }

    /**
     * The reply no longer runs on its source (it left the view, or ended and was forgotten there): its end and what
     * the client lacks come from the grid, once a member (maybe this one) has ended it there.
     */
    void finishFromLog() {
        ReplyRecords.Header now = ReplyRecords.Header.read(directory.replies(), messageId());
        if (now != null && now.isStreaming() && directory.isGone(now.member())) {
            directory.claim(now); // no member may have ended it yet: this one does, unless another did meanwhile
            now = ReplyRecords.Header.read(directory.replies(), messageId());
        }
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (now == null || now.isStreaming()) {
                // the log is gone, or no member could end it: what the client has is all it gets
                int sent = lastSeq + 1;
                toClient.execute(() -> sink.streamEnded(messageId(), header.replyTo(),
                        ReplyEnd.of(StreamStatus.INTERRUPTED, sent, null)));
            } else {
                for (ReplyRecords.LoggedChunk chunk : ReplyRecords.read(directory.replies(), messageId(), lastSeq + 1,
                        now.chunks())) {
                    replay(chunk.seq(), chunk.event(), chunk.sentAtMicros());
                }
                ReplyEnd end = now.end();
                toClient.execute(() -> sink.streamEnded(messageId(), header.replyTo(), end));
            }
        }
        leave();
    }

    @Override
    public void cancel() {
        directory.send(source(), relayId, "cancel", null);
    }

    @Override
    public void disconnect(ReplySink from) {
        stopRelaying(from, "disconnect");
    }

    @Override
    public void detach(ReplySink from) {
        stopRelaying(from, "detach");
    }

    /** The client's connection ended: the source hears it (after the resume), and nothing more is passed on. */
    private void stopRelaying(ReplySink from, String order) {
        synchronized (this) {
            if (from != sink || done) {
                return;
            }
            done = true;
            directory.send(source(), relayId, order, null);
        }
        leave();
    }

    private void leave() {
        directory.relayEnded(this);
        connection.remove(this);
    }
}
