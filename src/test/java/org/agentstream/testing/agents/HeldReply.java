package org.agentstream.testing.agents;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.agentstream.agent.OneSubscriber;

/**
 * One held reply (of strings or ReplyEvents): forwards the subscriber's demand to the agent's publisher only up to
 * {@code before} chunks, and keeps the publisher's end back, until {@link #release()}; cancelling forgets it.
 */
final class HeldReply implements Flow.Publisher<Object>, Flow.Subscriber<Object>, Flow.Subscription {

    private final Flow.Publisher<?> reply;
    private final Consumer<HeldReply> forget;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final Object lock = new Object();
    private Flow.Subscriber<? super Object> subscriber;
    private Flow.Subscription upstream;
    private long allowance;
    private long wanted;
    private boolean released;
    private boolean ended;
    private Throwable endedWith;

    HeldReply(Flow.Publisher<?> reply, long before, Consumer<HeldReply> forget) {
        this.reply = reply;
        this.allowance = before;
        this.forget = forget;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        if (OneSubscriber.claim(subscribed, subscriber)) {
            this.subscriber = subscriber;
            reply.subscribe(this);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (lock) {
            upstream = subscription;
        }
        subscriber.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        synchronized (lock) {
            wanted += n;
        }
        forwardDemand();
    }

    @Override
    public void cancel() {
        forget.accept(this);
        upstream.cancel();
    }

    @Override
    public void onNext(Object chunk) {
        subscriber.onNext(chunk);
    }

    @Override
    public void onError(Throwable failure) {
        end(failure);
    }

    @Override
    public void onComplete() {
        end(null);
    }

    void release() {
        boolean endNow;
        synchronized (lock) {
            released = true;
            endNow = ended;
        }
        forwardDemand();
        if (endNow) {
            signalEnd(endedWith);
        }
    }

    private void end(Throwable failure) {
        synchronized (lock) {
            if (!released) {
                ended = true;
                endedWith = failure;
                return;
            }
        }
        signalEnd(failure);
    }

    private void signalEnd(Throwable failure) {
        if (failure == null) {
            subscriber.onComplete();
        } else {
            subscriber.onError(failure);
        }
    }

    /**
     * Passes on what was asked for, within the allowance while held; outside the lock, as the agent may answer at
     * once.
     */
    private void forwardDemand() {
        long n;
        Flow.Subscription to;
        synchronized (lock) {
            to = upstream;
            n = released ? wanted : Math.min(wanted, allowance);
            if (to == null || n == 0) {
                return;
            }
            wanted -= n;
            if (!released) {
                allowance -= n;
            }
        }
        to.request(n);
    }
}
