package org.agentstream.testing.doubles;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A reply's subscriber for tests: asks for {@code initialDemand} items, then for what the test asks; keeps every item
 * in order, and how the reply ended. Every wait is bounded and fails the test when it runs out.
 */
public class RecordingSubscriber<T> implements Flow.Subscriber<T> {

    private final long initialDemand;
    private final Duration wait;
    private final BlockingQueue<T> unread = new LinkedBlockingQueue<>();
    private final List<T> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Throwable> end = new CompletableFuture<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private volatile Flow.Subscription subscription;

    public RecordingSubscriber(long initialDemand, Duration wait) {
        this.initialDemand = initialDemand;
        this.wait = wait;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(initialDemand);
    }

    @Override
    public void onNext(T item) {
        threads.add(Thread.currentThread().getName());
        received.add(item);
        unread.add(item);
    }

    @Override
    public void onError(Throwable failure) {
        end.complete(failure);
    }

    @Override
    public void onComplete() {
        end.complete(null);
    }

    public Flow.Subscription subscription() {
        return subscription;
    }

    /** The next item not read yet; fails the test if none comes in time. */
    public T next() throws InterruptedException {
        T item = unread.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing within " + wait + "; received " + received);
        return item;
    }

    /** The next item not read yet, if one comes within {@code timeout}; else null. */
    public T poll(Duration timeout) throws InterruptedException {
        return unread.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every item so far, in order. */
    public List<T> received() {
        return List.copyOf(received);
    }

    /** The names of the threads that delivered items. */
    public Set<String> threads() {
        return Set.copyOf(threads);
    }

    public boolean ended() {
        return end.isDone();
    }

    /** The reply's failure, or null when it completed; fails the test if it has not ended in time. */
    public Throwable awaitEnd() throws InterruptedException {
        try {
            return end.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the reply did not end within " + wait + "; received " + received);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
