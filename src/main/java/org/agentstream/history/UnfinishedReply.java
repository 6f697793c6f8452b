package org.agentstream.history;

/**
 * A reply as far as it had streamed, with what it takes to store it: whose it is, where it goes in its
 * conversation, and the node that streams it. What a node writes while the reply streams and reads back after a crash.
 */
public record UnfinishedReply(String messageId, String owner, String conversationId, int position, String agent,
        String clientId, long createdAt, String node, ReplyText text) {

    /** The same reply with {@code sent} as what it sent. */
    UnfinishedReply withText(ReplyText sent) {
        return new UnfinishedReply(messageId, owner, conversationId, position, agent, clientId, createdAt, node, sent);
    }
}
