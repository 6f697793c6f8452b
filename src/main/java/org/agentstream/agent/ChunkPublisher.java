package org.agentstream.agent;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.agentstream.timing.Demand;
import org.agentstream.timing.DrainLoop;
import org.agentstream.timing.StepTimer;

/**
 * Publishes the chunks of an iterator to one subscriber, either as fast as demand allows or one chunk per gap on a
 * timer, so a local agent can be written as a plain iterator. Waiting for the gap holds no thread. An exception
 * thrown by the iterator becomes {@code onError}; cancelling stops the iteration.
 */
public final class ChunkPublisher implements Flow.Publisher<String> {

    private final Iterator<String> chunks;
    private final long gapNanos;
    private final StepTimer timer;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    private ChunkPublisher(Iterator<String> chunks, Duration gap, StepTimer timer) {
        this.chunks = Objects.requireNonNull(chunks);
        this.gapNanos = gap.toNanos();
        this.timer = timer;
    }

    private static final Pattern WORD_START = Pattern.compile("(?<=\\s)(?=\\S)");

    /** The words of a text, each with the whitespace after it, produced instantly. */
    public static ChunkPublisher words(String text) {
        return immediate(Arrays.asList(WORD_START.split(text)).iterator());
    }

    /** Chunks produced instantly, with no gap of their own. */
    public static ChunkPublisher immediate(Iterator<String> chunks) {
        return new ChunkPublisher(chunks, Duration.ZERO, null);
    }

    /** One chunk per {@code gap}, the first one after a gap too, like a model producing tokens. */
    public static ChunkPublisher paced(Iterator<String> chunks, Duration gap, StepTimer timer) {
        if (gap.isZero() || gap.isNegative()) {
            return immediate(chunks);
        }
        return new ChunkPublisher(chunks, gap, Objects.requireNonNull(timer));
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
        if (!OneSubscriber.claim(subscribed, subscriber)) {
            return;
        }
        Emission emission = new Emission(subscriber);
        subscriber.onSubscribe(emission);
        if (gapNanos > 0) {
            emission.arm();
        }
    }

    /** The subscription; its emitting pass runs on one thread at a time ({@link DrainLoop}). */
    private final class Emission implements Flow.Subscription {
        private final Flow.Subscriber<? super String> subscriber;
        private final Demand demand = new Demand();
        private final DrainLoop loop = new DrainLoop();
        private final Runnable emitDue = this::emitDue;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile boolean ready = gapNanos == 0;
        private volatile StepTimer.Timeout pending;

        Emission(Flow.Subscriber<? super String> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            try {
                demand.add(n);
            } catch (IllegalArgumentException invalid) {
                cancel();
                finish(invalid);
                return;
            }
            loop.run(emitDue);
        }

        @Override
        public void cancel() {
            cancelled = true;
            StepTimer.Timeout waiting = pending;
            if (waiting != null) {
                waiting.cancel();
            }
        }

        void arm() {
            try {
                pending = timer.newTimeout(() -> {
                    ready = true;
                    loop.run(emitDue);
                }, gapNanos);
            } catch (RuntimeException rejected) {
                finish(rejected);
            }
        }

        private void emitDue() {
            while (!cancelled && !done && ready && demand.any()) {
                emitOne();
                if (gapNanos > 0 && !done && !cancelled) {
                    ready = false;
                    arm();
                }
            }
        }

        private void emitOne() {
            String chunk;
            try {
                if (!chunks.hasNext()) {
                    finish(null);
                    return;
                }
                chunk = chunks.next();
            } catch (RuntimeException agentFailure) {
                finish(agentFailure);
                return;
            }
            demand.took();
            subscriber.onNext(chunk);
            try {
                if (!cancelled && !chunks.hasNext()) {
                    finish(null);
                }
            } catch (RuntimeException agentFailure) {
                finish(agentFailure);
            }
        }

        private void finish(Throwable failure) {
            if (done) {
                return;
            }
            done = true;
            if (failure == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(failure);
            }
        }
    }
}
