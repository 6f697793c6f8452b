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
    /** The reply's header once it started, or null; guarded by this. */
    private ReplyRecords.Header header;
    /** How the reply ended, once it did (maybe before it started: its client left first); guarded by this. */
    private StreamStatus ended;
    private int endedWith;

    GridReplyLog(String messageId, ReplyLog local, GridReplyDirectory directory) {
        this.messageId = messageId;
        this.local = local;
        this.directory = directory;
    }

    /** The reply started: its header goes to the grid before any chunk. */
    synchronized void started(ReplyRecords.Header started) {
        header = started;
        if (ended == null) {
            directory.writer().put(ReplyRecords.headerKey(messageId), started.json(), directory.runningTtl());
        } else {
            directory.writer().put(ReplyRecords.headerKey(messageId), started.ended(ended, endedWith).json(),
                    directory.keep());
        }
    }

    @Override
    public void append(int seq, String delta, long sentNanos) {
        local.append(seq, delta, sentNanos);
        directory.writer().put(ReplyRecords.chunkKey(messageId, seq),
                ReplyRecords.chunkValue(WireTime.epochMicros(sentNanos), delta), directory.runningTtl());
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
        ReplyRecords.Header endedHeader;
        synchronized (this) {
            ended = status;
            endedWith = local.size();
            endedHeader = header == null ? null : header.ended(status, endedWith);
        }
        directory.logEnded(messageId);
        if (endedHeader != null) {
            Duration keep = directory.keep();
            directory.writer().put(ReplyRecords.headerKey(messageId), endedHeader.json(), keep);
            directory.forgetChunksAfter(messageId, endedWith + 1, keep); // and one that was dropped, if any
        }
    }
}
