package org.agentstream.streaming;

/**
 * How many admitted replies each owner has, over all of their connections, under a limit per owner.
 * {@link LocalOwnerReplies} counts this node's.
 */
public interface OwnerReplies {

    /** Takes a place for the owner if they have fewer than {@code limit}. */
    boolean tryTake(String owner, int limit);

    /** Gives back a place the owner took. */
    void release(String owner);
}
