package org.agentstream.history;

/** A stored agent reply, as a client that resumes it is sent it: its ids, how it ended, and its chunks. */
public record StoredReply(String messageId, String replyTo, String status, ReplyText text) {
}
