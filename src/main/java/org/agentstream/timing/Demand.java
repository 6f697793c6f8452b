package org.agentstream.timing;

import java.util.concurrent.atomic.AtomicLong;

/** What a {@code Flow} subscriber has asked for and not yet received, by Flow's rules. */
public final class Demand {

    private final AtomicLong outstanding = new AtomicLong();

    /**
     * Adds a request; a total past {@link Long#MAX_VALUE} stays there (unbounded).
     *
     * @throws IllegalArgumentException for {@code n <= 0}, which the publisher must signal through {@code onError}
     *         (rule 3.9)
     */
    public void add(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("demand must be positive, was " + n);
        }
        outstanding.getAndAccumulate(n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
    }

    public boolean any() {
        return outstanding.get() > 0;
    }

    /** One item was delivered. */
    public void took() {
        outstanding.decrementAndGet();
    }
}
