package org.agentstream.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.timing.DrainLoop;

/**
 * Writes the replies' logs to the grid off their sending threads, as a group commit: a write is queued where a chunk
 * is made or logged, and one task at a time on the managed executor writes everything queued in one round trip per
 * time to live ({@link SharedMap#putAll}), waiting for it, then tells each write's reply that it landed and hands
 * the calls queued among those writes ({@link #then}) to where their replies make them. Few writes at a time cost
 * one round trip each; many share one. Writes land in the order they were queued, so a reply's end is never seen
 * before its chunks.
 */
final class GridLogWriter {

    private static final Logger LOG = Logger.getLogger(GridLogWriter.class.getName());

    private sealed interface Queued permits Write, Then {
    }

    /** {@code written}, if not null, runs once the write is in the grid (or the grid refused it). */
    private record Write(String key, String value, Duration ttl, Runnable written) implements Queued {
    }

    private record Then(Runnable call, Executor where) implements Queued {
    }

    private final SharedMap replies;
    private final Executor executor;
    private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final DrainLoop loop = new DrainLoop();
    private final Runnable drain = () -> loop.drain(this::writeQueued);

    GridLogWriter(SharedMap replies, Executor executor) {
        this.replies = replies;
        this.executor = executor;
    }

    /** Queues a write of {@code value} at {@code key}. */
    void put(String key, String value, Duration ttl) {
        queue(new Write(key, value, ttl, null));
    }

    /** Queues a write of {@code value} at {@code key}; {@code written} runs once it is in the grid. */
    void put(String key, String value, Duration ttl, Runnable written) {
        queue(new Write(key, value, ttl, written));
    }

    /**
     * Queues {@code call}, handed to {@code where} once every write queued before it is in the grid (or the grid
     * refused it).
     */
    void then(Runnable call, Executor where) {
        queue(new Then(call, where));
    }

    private void queue(Queued item) {
        queued.add(item);
        if (loop.enter()) {
            try {
                executor.execute(drain);
            } catch (RejectedExecutionException stopping) {
                LOG.log(Level.FINE, "No executor for the replies' log: the server is stopping", stopping);
                loop.drain(this::callQueued);
            }
        }
    }

    /**
     * Writes what is queued, in order, a run of writes with one time to live at a time, then makes the calls queued
     * among them.
     */
    private void writeQueued() {
        Map<String, String> batch = new LinkedHashMap<>();
        List<Runnable> written = new ArrayList<>();
        List<Then> calls = new ArrayList<>();
        Duration ttl = null;
        for (Queued item = queued.poll(); item != null; item = queued.poll()) {
            if (item instanceof Then then) {
                calls.add(then);
                continue;
            }
            Write write = (Write) item;
            if (ttl != null && !ttl.equals(write.ttl())) {
                flush(batch, ttl, written);
            }
            ttl = write.ttl();
            batch.put(write.key(), write.value());
            if (write.written() != null) {
                written.add(write.written());
            }
        }
        if (ttl != null) {
            flush(batch, ttl, written);
        }
        // each call where its reply makes them: a client that does not read holds up its own frames, no one else's
        for (Then then : calls) {
            try {
                then.where().execute(() -> call(then.call()));
            } catch (RejectedExecutionException stopping) {
                call(then.call());
            }
        }
    }

    /** With no executor left, the writes are dropped and the calls made here: the clients still get their frames. */
    private void callQueued() {
        for (Queued item = queued.poll(); item != null; item = queued.poll()) {
            if (item instanceof Then then) {
                call(then.call());
            } else if (((Write) item).written() != null) {
                call(((Write) item).written());
            }
        }
    }

    private static void call(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A call to a reply's client failed", e);
        }
    }

    private void flush(Map<String, String> batch, Duration ttl, List<Runnable> written) {
        try {
            replies.putAll(batch, ttl);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The grid refused " + batch.size() + " writes of the replies' log", e);
        }
        batch.clear();
        written.forEach(GridLogWriter::call);
        written.clear();
    }
}
