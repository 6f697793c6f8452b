package org.agentstream.streaming;

/**
 * Stores a reply that ended, from its turn (where it goes, as the chat described it when the reply started: opaque
 * to the streaming core) and what it sent. In a cluster a node stores this way a reply that another node ran and
 * could not store itself, because it died.
 */
public interface ReplyRecorder {

    void record(String turn, EndedReply ended);
}
