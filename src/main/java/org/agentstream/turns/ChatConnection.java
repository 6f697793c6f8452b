package org.agentstream.turns;

import org.agentstream.streaming.ConnectionStreams;

/**
 * One chat connection as a chat turn sees it: whose it is, the replies streaming on it, and its outbox, which
 * remembers the replies that ended on it for their timing reports.
 */
public record ChatConnection(String owner, ConnectionStreams streams, ReportingOutbox outbox) {

    public static ChatConnection of(String owner, Outbox outbox) {
        ReportingOutbox reporting = new ReportingOutbox(outbox);
        return new ChatConnection(owner, new ConnectionStreams(owner, reporting), reporting);
    }
}
