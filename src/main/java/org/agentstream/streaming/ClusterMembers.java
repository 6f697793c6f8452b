package org.agentstream.streaming;

import java.util.List;

/**
 * The nodes that run the application together, as {@code /status} shows them to an operator: on one node only that
 * node; in a cluster each member, with its figures as it last published them.
 */
public interface ClusterMembers {

    /** A node and its figures: replies streaming and chat connections open on it. */
    record Member(String node, int activeStreams, int connections) {
    }

    /** The members, this node first. */
    List<Member> members();
}
