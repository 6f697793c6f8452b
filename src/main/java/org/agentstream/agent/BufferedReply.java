package org.agentstream.agent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.agentstream.timing.Demand;
import org.agentstream.timing.DrainLoop;

/**
 * The outlet of a reply whose producer runs at its own pace (a model's stream, a scripted agent): what it makes waits
 * here until the one subscriber asks for it, and its end goes out after everything it made. The producer's threads
 * and the subscriber's may call in at once; the subscriber is signalled on one thread at a time ({@link DrainLoop}).
 * A cancel, or a request Flow forbids, stops the producer through {@code stop}.
 */
public final class BufferedReply<T> implements Flow.Publisher<T>, Flow.Subscription {

    private final Runnable stop;
    private final Runnable started;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** How the producer ended (null while it has not): its failure is published with the end, never after it. */
    private final AtomicReference<End> ended = new AtomicReference<>();
    private final Queue<T> items = new ConcurrentLinkedQueue<>();
    private final Demand demand = new Demand();
    private final DrainLoop loop = new DrainLoop();
    private final Runnable emitDue = this::emitDue;
    private volatile Flow.Subscriber<? super T> subscriber;
    private volatile boolean cancelled;
    private volatile boolean terminated;

    /**
     * @param started runs once the subscriber has its subscription (unless it cancelled in {@code onSubscribe}): the
     *        producer starts there
     * @param stop runs once, when the subscriber cancels or breaks Flow's rules: the producer stops there
     */
    public BufferedReply(Runnable started, Runnable stop) {
        this.started = started;
        this.stop = stop;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        if (!OneSubscriber.claim(subscribed, subscriber)) {
            return;
        }
        this.subscriber = subscriber;
        subscriber.onSubscribe(this);
        if (!cancelled) {
            started.run();
        }
    }

    /** Whether the subscriber has cancelled: the producer may stop making items. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Whether the reply has ended (or was cancelled): anything emitted now is dropped. */
    public boolean ended() {
        return ended.get() != null || cancelled;
    }

    /** The producer made an item; it goes out when the subscriber asks. */
    public void emit(T item) {
        if (ended()) {
            return;
        }
        items.add(item);
        loop.run(emitDue);
    }

    /** The producer is done: once every item made so far went out, the subscriber completes. */
    public void complete() {
        end(null);
    }

    /** The producer failed: once every item made so far went out, the subscriber gets {@code problem}. */
    public void fail(Throwable problem) {
        end(problem);
    }

    /** True for the one call that ended the reply. */
    private boolean end(Throwable problem) {
        if (cancelled || !ended.compareAndSet(null, new End(problem))) {
            return false;
        }
        loop.run(emitDue);
        return true;
    }

    /** The producer's end: completed when {@code failure} is null. */
    private record End(Throwable failure) {
    }

    @Override
    public void request(long n) {
        try {
            demand.add(n);
        } catch (IllegalArgumentException invalid) {
            items.clear();
            if (end(invalid)) {
                stopProducer();
            }
        }
        loop.run(emitDue);
    }

    @Override
    public void cancel() {
        cancelled = true;
        items.clear();
        stopProducer();
    }

    private void stopProducer() {
        if (stopped.compareAndSet(false, true)) {
            stop.run();
        }
    }

    private void emitDue() {
        while (!cancelled && !terminated) {
            End done = ended.get();
            if (demand.any()) {
                T item = items.poll();
                if (item != null) {
                    demand.took();
                    subscriber.onNext(item);
                    continue;
                }
            }
            if (done != null && items.isEmpty()) {
                terminated = true;
                Throwable problem = done.failure();
                if (problem == null) {
                    subscriber.onComplete();
                } else {
                    subscriber.onError(problem);
                }
            }
            return;
        }
    }
}
