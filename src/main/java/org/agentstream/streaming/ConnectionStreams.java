package org.agentstream.streaming;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replies streaming on one connection, owned by that connection's endpoint, keyed by message id, and whose
 * they are: only a connection of the same owner may resume one of them once this connection is lost.
 */
public final class ConnectionStreams {

    private final String owner;
    private final ReplySink sink;
    private final Map<String, ConnectionReply> running = new ConcurrentHashMap<>();

    /** {@code sink}: where this connection's frames go, which is how a reply knows whether it is still here. */
    public ConnectionStreams(String owner, ReplySink sink) {
        this.owner = owner;
        this.sink = sink;
    }

    /** Who the connection's user is: only they may resume its replies. */
    public String owner() {
        return owner;
    }

    /** The reply streams on this connection from now on. */
    public void add(ConnectionReply reply) {
        running.put(reply.messageId(), reply);
    }

    /** The reply no longer streams on this connection (it ended, or moved). */
    public void remove(ConnectionReply reply) {
        running.remove(reply.messageId(), reply);
    }

    public int size() {
        return running.size();
    }

    public boolean holds(String messageId) {
        return running.containsKey(messageId);
    }

    /** Cancels one reply; false when no reply with that id streams on this connection. */
    public boolean cancel(String messageId) {
        ConnectionReply reply = messageId == null ? null : running.get(messageId);
        if (reply == null) {
            return false;
        }
        reply.cancel();
        return true;
    }

    /**
     * The client closed the connection normally: it is done with its replies, which stop now (not one that a resume
     * has moved to another connection meanwhile).
     */
    public void disconnect() {
        for (ConnectionReply reply : List.copyOf(running.values())) {
            reply.disconnect(sink);
        }
    }

    /**
     * The connection was lost: each reply goes on for the resume window (or stops now, when there is none), and no
     * longer belongs to this connection.
     */
    public void detach() {
        for (ConnectionReply reply : List.copyOf(running.values())) {
            reply.detach(sink);
        }
        running.clear();
    }
}
