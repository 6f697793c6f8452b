package org.agentstream.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplyLog;
import org.agentstream.timing.SerialTasks;
import org.agentstream.wire.WireTime;

/**
 * A reply's log on this node that the grid keeps a copy of, so that another node can resume the reply, or end it as
 * interrupted with what it logged if this node dies. Each chunk is written to the grid as soon as the agent makes it
 * ({@link #ahead}, through the {@link GridLogWriter}), while it waits in the reply's buffer for its turn, and a call
 * of the reply's client is made only once the grid has every chunk logged before it: at once, on the calling thread,
 * when the grid is ahead of the reply (as it is when the reply is paced), else after the writer's next group commit.
 * So no client is ever sent a chunk that its node's death would take away, and pacing does not wait for the grid.
 * The chunks and their send times are also kept in this node's log, which resumes read.
 */
final class GridReplyLog implements ReplyLog {

    private final String messageId;
    private final ReplyLog local;
    private final GridReplyDirectory directory;
    /** The client's calls that had to wait for the grid, in order. */
    private final SerialTasks toClient;
    /** The reply's header once it started, or null; guarded by this. */
    private ReplyRecords.Header header;
    /** How the reply ended, once it did (maybe before it started: its client left first); guarded by this. */
    private ReplyEnd ended;
    private int endedWith;
    /** How many chunks were queued for the grid; guarded by the reply's lock, as the log is. */
    private int queued;
    /** How many chunks are logged here (sent, or due to be). */
    private volatile int logged;
    /** How many of the first chunks the grid has, as far as this node knows. */
    private final AtomicInteger inGrid = new AtomicInteger();
    /** Calls of the client queued behind the grid and not made yet: a later call may not overtake them. */
    private final AtomicInteger waiting = new AtomicInteger();

    GridReplyLog(String messageId, ReplyLog local, GridReplyDirectory directory) {
        this.messageId = messageId;
        this.local = local;
        this.directory = directory;
        this.toClient = new SerialTasks(directory.work());
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
    public void ahead(ReplyEvent event) {
        write(queued, event, System.nanoTime());
    }

    /** Queues chunk {@code seq} for the grid, as logged at {@code loggedNanos}; under the reply's lock. */
    private void write(int seq, ReplyEvent event, long loggedNanos) {
        queued = seq + 1;
        directory.writer().put(ReplyRecords.chunkKey(messageId, seq),
                ReplyRecords.chunkValue(WireTime.epochMicros(loggedNanos), event), directory.runningTtl(),
                () -> inGrid.accumulateAndGet(seq + 1, Math::max));
    }

    @Override
    public void append(int seq, ReplyEvent event, long sentNanos) {
        local.append(seq, event, sentNanos);
        if (seq >= queued) {
            write(seq, event, sentNanos); // not made by the agent through this log (it cannot be, but if it were)
        }
        logged = seq + 1;
    }

    @Override
    public void written(int seq, long sentNanos) {
        local.written(seq, sentNanos);
    }

    @Override
    public void drop(int seq) {
        local.drop(seq);
        logged = seq;
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public List<Chunk> readAfter(int seq) {
        return local.readAfter(seq);
    }

    /**
     * The client hears of what was logged once the grid has it: at once when it does and no earlier call waits, else
     * after the writer's next group commit, in order.
     */
    @Override
    public void afterLogged(Runnable call) {
        if (waiting.get() == 0 && inGrid.get() >= logged) {
            call.run();
            return;
        }
        waiting.incrementAndGet();
        directory.writer().then(() -> {
            try {
                call.run();
            } finally {
                waiting.decrementAndGet();
            }
        }, toClient);
    }

    @Override
    public void end(ReplyEnd end, long keepNanos) {
        local.end(end, keepNanos);
        ReplyRecords.Header endedHeader;
        synchronized (this) {
            ended = end;
            endedWith = local.size();
            endedHeader = header == null ? null : header.ended(end, endedWith);
        }
        directory.logEnded(messageId);
        if (endedHeader != null) {
            Duration keep = directory.keep();
            directory.writer().put(ReplyRecords.headerKey(messageId), endedHeader.json(), keep);
            // with the chunks the agent made that were never sent
            directory.forgetChunksAfter(messageId, Math.max(endedWith + 1, queued), keep);
        }
    }
}
