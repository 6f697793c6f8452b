package org.agentstream.streaming;

/**
 * Where a reply is in its life, whether a client is attached to it or not: a reply streams, drains, is cancelled and
 * times out with its connection lost as well. A reply only moves forward, by the moves {@link #to} allows:
 * <pre>
 * NEW        -> STREAMING                              the agent was asked for its reply
 * STREAMING  -> DRAINING                               the agent completed or failed
 * NEW, STREAMING, DRAINING -> EXPIRING                 it ran longer than the server allows
 * NEW, STREAMING, DRAINING, EXPIRING -> CANCELLING     its client asked to stop
 * any phase but ENDED -> ENDED                         once: complete, cancelled, failed or interrupted
 * </pre>
 */
enum ReplyPhase {
    /** Made, its first client attached, the agent not asked yet: a lost connection ends it, no one can resume it. */
    NEW,
    /** The agent makes chunks; they go to the client, or only to the log while none is attached. */
    STREAMING,
    /** The agent is done, complete or failed: what it made still goes out, then the reply ends. */
    DRAINING,
    /** It ran too long: it ends failed as soon as no chunk is in flight. */
    EXPIRING,
    /** Its client asked to stop: it ends cancelled as soon as no chunk is in flight. */
    CANCELLING,
    /** Over; a client that resumes it is sent its log and its end. */
    ENDED;

    boolean canMoveTo(ReplyPhase next) {
        return switch (this) {
            case NEW -> next == STREAMING || next == EXPIRING || next == CANCELLING || next == ENDED;
            case STREAMING -> next == DRAINING || next == EXPIRING || next == CANCELLING || next == ENDED;
            case DRAINING -> next == EXPIRING || next == CANCELLING || next == ENDED;
            case EXPIRING -> next == CANCELLING || next == ENDED;
            case CANCELLING -> next == ENDED;
            case ENDED -> false;
        };
    }

    /**
     * The phase after a move to {@code next}.
     *
     * @throws IllegalStateException for a move the life cycle does not allow (a second end among them): a bug
     */
    ReplyPhase to(ReplyPhase next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("a reply cannot move from " + this + " to " + next);
        }
        return next;
    }
}
