package org.agentstream.streaming;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The replies streaming on one connection, owned by that connection's endpoint, keyed by message id. */
public final class ConnectionStreams {

    private final Map<String, ReplyStream> running = new ConcurrentHashMap<>();

    void add(ReplyStream stream) {
        running.put(stream.messageId(), stream);
    }

    void remove(ReplyStream stream) {
        running.remove(stream.messageId(), stream);
    }

    public int size() {
        return running.size();
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

    /** The connection closed: every reply on it stops now. */
    public void disconnect() {
        for (ReplyStream stream : List.copyOf(running.values())) {
            stream.disconnect();
        }
    }
}
