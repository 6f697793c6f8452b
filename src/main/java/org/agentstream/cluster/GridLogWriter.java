package org.agentstream.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.timing.DrainLoop;

/**
 * Writes the replies' logs to the grid off their sending threads, as a group commit: a write is queued where the
 * chunk is sent, and one task at a time on the managed executor writes everything queued in one round trip per time
 * to live ({@link SharedMap#putAll}), waiting for it before the next. Few writes at a time cost one round trip each;
 * many share one. Writes land in the order they were queued, so a reply's end is never seen before its chunks.
 */
final class GridLogWriter {

    private static final Logger LOG = Logger.getLogger(GridLogWriter.class.getName());

    private record Write(String key, String value, Duration ttl) {
    }

    private final SharedMap replies;
    private final Executor executor;
    private final Queue<Write> queued = new ConcurrentLinkedQueue<>();
    private final DrainLoop loop = new DrainLoop();
    private final Runnable drain = () -> loop.drain(this::writeQueued);

    GridLogWriter(SharedMap replies, Executor executor) {
        this.replies = replies;
        this.executor = executor;
    }

    /** Queues a write of {@code value} at {@code key}. */
    void put(String key, String value, Duration ttl) {
        queued.add(new Write(key, value, ttl));
        if (loop.enter()) {
            try {
                executor.execute(drain);
            } catch (RejectedExecutionException stopping) {
                LOG.log(Level.FINE, "No executor for the replies' log: the server is stopping", stopping);
                loop.drain(queued::clear);
            }
        }
    }

    /** Writes what is queued, in order: a run of writes with one time to live at a time. */
    private void writeQueued() {
        Map<String, String> batch = new LinkedHashMap<>();
        Duration ttl = null;
        for (Write write = queued.poll(); write != null; write = queued.poll()) {
            if (ttl != null && !ttl.equals(write.ttl())) {
                flush(batch, ttl);
            }
            ttl = write.ttl();
            batch.put(write.key(), write.value());
        }
        if (ttl != null) {
            flush(batch, ttl);
        }
    }

    private void flush(Map<String, String> batch, Duration ttl) {
        try {
            replies.putAll(batch, ttl);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The grid refused " + batch.size() + " writes of the replies' log", e);
        }
        batch.clear();
    }
}
