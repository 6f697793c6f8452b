package org.agentstream.cluster;

import java.time.Duration;
import java.util.List;
import org.agentstream.streaming.ReplyLog;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.wire.WireTime;

/**
 * A reply's log on this node that the grid keeps a copy of, so that another node can resume the reply, or end it as
 * interrupted with what it sent if this node dies: each chunk is queued for the grid as it is logged
 * ({@link GridLogWriter}), and sent to the client once the grid has it; its end too, with its status and chunk
 * count. Reads are this node's copy's.
 */
final class GridReplyLog implements ReplyLog {

    private final String messageId;
    private final ReplyLog local;
    private final GridReplyDirectory directory;
    /** The reply's header once it started, or null; guarded by its reply, like the log. */
    private ReplyRecords.Header header;

    GridReplyLog(String messageId, ReplyLog local, GridReplyDirectory directory) {
        this.messageId = messageId;
        this.local = local;
        this.directory = directory;
    }

    /** The reply started: its header goes to the grid before any chunk. */
    synchronized void started(ReplyRecords.Header started) {
        header = started;
        directory.writer().put(ReplyRecords.headerKey(messageId), started.json(), GridReplyDirectory.RUNNING);
    }

    @Override
    public void append(int seq, String delta, long sentNanos) {
        local.append(seq, delta, sentNanos);
        directory.writer().put(ReplyRecords.chunkKey(messageId, seq),
                ReplyRecords.chunkValue(WireTime.epochMicros(sentNanos), delta), GridReplyDirectory.RUNNING);
    }

    @Override
    public void written(int seq, long sentNanos) {
        local.written(seq, sentNanos);
    }

    @Override
    public void drop(int seq) {
        local.drop(seq);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public List<Chunk> readAfter(int seq) {
        return local.readAfter(seq);
    }

    /** The client hears of what was logged once the grid has it. */
    @Override
    public void afterLogged(Runnable toClient) {
        directory.writer().then(toClient);
    }

    @Override
    public void end(StreamStatus status, long keepNanos) {
        local.end(status, keepNanos);
        ReplyRecords.Header ended;
        synchronized (this) {
            ended = header == null ? null : header.ended(status, local.size());
        }
        if (ended != null) {
            Duration keep = Duration.ofNanos(Math.max(keepNanos, GridReplyDirectory.MIN_KEEP.toNanos()));
            directory.writer().put(ReplyRecords.headerKey(messageId), ended.json(), keep);
            directory.forgetChunksAfter(messageId, local.size(), keep);
        }
    }
}
