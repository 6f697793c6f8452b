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
    private final Map<String, ReplyStream> running = new ConcurrentHashMap<>();

    /** {@code sink}: where this connection's frames go, which is how a reply knows whether it is still here. */
    public ConnectionStreams(String owner, ReplySink sink) {
        this.owner = owner;
        this.sink = sink;
    }

    String owner() {
        return owner;
    }

    void add(ReplyStream stream) {
        running.put(stream.messageId(), stream);
    }

    void remove(ReplyStream stream) {
        running.remove(stream.messageId(), stream);
    }

    public int size() {
        return running.size();
    }

    boolean holds(String messageId) {
        return running.containsKey(messageId);
    }

    /** Cancels one reply; false when no reply with that id streams on this connection. */
    public boolean cancel(String messageId) {
        ReplyStream stream = messageId == null ? null : running.get(messageId);
        if (stream == null) {
            return false;
        }
        stream.cancel();
        return true;
    }

    /**
     * The client closed the connection normally: it is done with its replies, which stop now (not one that a resume
     * has moved to another connection meanwhile).
     */
    public void disconnect() {
        for (ReplyStream stream : List.copyOf(running.values())) {
            stream.disconnect(sink);
        }
    }

    /**
     * The connection was lost: each reply goes on for the resume window (or stops now, when there is none), and no
     * longer belongs to this connection.
     */
    public void detach() {
        for (ReplyStream stream : List.copyOf(running.values())) {
            stream.detach(sink);
        }
        running.clear();
    }
}
