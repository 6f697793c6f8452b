package org.agentstream.access;

import java.util.OptionalLong;

/**
 * How many messages each owner may send a minute, over all of their connections: a minute's worth passes at once,
 * then one every {@code 60 / perMinute} seconds. {@link LocalMessageRate} counts this node's messages.
 */
public interface MessageRate {

    /**
     * Takes a token for the owner's next message; empty if it may be sent now, else how many milliseconds until
     * it may. With {@code perMinute} 0 every message passes.
     */
    OptionalLong tryTake(String owner, int perMinute, long nowNanos);
}
