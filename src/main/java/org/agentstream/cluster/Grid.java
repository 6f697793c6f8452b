package org.agentstream.cluster;

import java.util.Set;

/**
 * The cluster as one engine gives it to the application: the members of its view, maps of strings that every node
 * shares, and messages to every node. Infinispan over JGroups on WildFly ({@code cluster.infinispan}) and Hazelcast on
 * Payara ({@code cluster.hazelcast}) each implement it once; every seam that crosses nodes is built on it
 * ({@link GridOwnerConnections}, {@link GridOwnerReplies}, {@link GridMessageRate}, {@link GridMembers}). Only
 * strings go into the grid: no application class is serialised.
 */
public interface Grid {

    /** This node's id among {@link #members()}: the engine's own name for it. */
    String localMember();

    /** The ids of the members in the engine's current view, this node included. */
    Set<String> members();

    /** The shared map of that name ({@link SharedMap} says which exist). */
    SharedMap map(SharedMap.Name name);

    /**
     * Sends {@code message} to every other member that {@link #listen listens}, in the order this node sent them. A
     * member that leaves before it arrives misses it.
     */
    void broadcast(String message);

    /** The one listener for other members' broadcasts and for the view's changes; called on the engine's threads. */
    void listen(Listener listener);

    /** Stops listening and lets go of the engine's resources (the engine itself stays: it is the server's). */
    void close();

    /** What a member hears from the grid. */
    interface Listener {

        /** Another member broadcast {@code message}. */
        void received(String message);

        /** The view changed; {@code members} are the ids in the new one. */
        void membersChanged(Set<String> members);
    }
}
