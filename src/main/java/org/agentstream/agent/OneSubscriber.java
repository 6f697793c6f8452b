package org.agentstream.agent;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/** A reply publisher serves one subscriber; a second one is told so through {@code onError}, as Flow requires. */
public final class OneSubscriber {

    private OneSubscriber() {
    }

    /** True if {@code subscriber} is the first; otherwise signals it the error and returns false. */
    public static boolean claim(AtomicBoolean subscribed, Flow.Subscriber<?> subscriber) {
        if (subscribed.compareAndSet(false, true)) {
            return true;
        }
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onError(new IllegalStateException("a reply has one subscriber"));
        return false;
    }
}
