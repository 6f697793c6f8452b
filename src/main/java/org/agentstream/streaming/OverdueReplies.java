package org.agentstream.streaming;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every admitted reply that has a bound, with the {@link System#nanoTime()} by which it must have ended: a sweep
 * ends those past it, whether or not their agents listen, so a stuck agent cannot hold a place for ever.
 */
final class OverdueReplies {

    private static final String WHY =
            "the reply ran longer than the server allows any reply (agentstream.stream.max-reply-ms)";

    private final Map<ReplyStream, Long> deadlines = new ConcurrentHashMap<>();

    void watch(ReplyStream stream, long deadlineNanos) {
        deadlines.put(stream, deadlineNanos);
    }

    void forget(ReplyStream stream) {
        deadlines.remove(stream);
    }

    /** Ends every reply that has run past its bound at {@code now}. */
    void endOverdue(long now) {
        deadlines.forEach((stream, deadline) -> {
            if (now - deadline >= 0) {
                stream.expire(WHY);
            }
        });
    }
}
