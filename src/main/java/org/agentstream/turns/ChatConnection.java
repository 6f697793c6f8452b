package org.agentstream.turns;

import org.agentstream.streaming.ConnectionStreams;

/** One chat connection as a chat turn sees it: whose it is, the replies streaming on it, and its outbox. */
public record ChatConnection(String owner, ConnectionStreams streams, Outbox outbox) {

    public static ChatConnection of(String owner, Outbox outbox) {
        return new ChatConnection(owner, new ConnectionStreams(owner, outbox), outbox);
    }
}
