package org.agentstream.streaming;

/**
 * A reply as the connection it streams on sees it: a {@link ReplyStream} running on this node, or, in a cluster, a
 * reply running on another node whose frames are relayed to this connection. The connection's client may cancel it,
 * and the connection's end stops or detaches it.
 */
public interface ConnectionReply {

    String messageId();

    /** The client asked to stop it. */
    void cancel();

    /** The client on {@code from} closed its connection normally: the reply stops, unless it moved on. */
    void disconnect(ReplySink from);

    /** The connection on {@code from} is lost: the reply waits for a resume, unless it moved on. */
    void detach(ReplySink from);
}
