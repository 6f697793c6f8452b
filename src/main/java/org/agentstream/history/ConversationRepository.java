package org.agentstream.history;

import java.util.List;
import java.util.Optional;

/**
 * Conversations and their messages, each conversation reachable only by its owner: another owner's conversation is
 * indistinguishable from an unknown one.
 */
public interface ConversationRepository {

    /**
     * Stores a user's message. create=true: a new conversation with this id (title from the content); false: the
     * conversation must exist and belong to owner, else Optional.empty(). Reserves the next position for the reply
     * and returns at most maxEarlierTurns newest earlier turns (oldest first; assistant replies with empty text left
     * out).
     */
    Optional<UserTurn> addUserMessage(String owner, String conversationId, boolean create, String agent,
            String content, String clientId, long now, int maxEarlierTurns);

    /**
     * Stores a reply at its reserved position, with its chunks; nothing if the conversation was deleted meanwhile.
     */
    void addReply(String conversationId, int position, String agent, ReplyText text, String status,
            String messageId, String clientId, long createdAt, long now);

    /** The owner's stored reply with this message id, or empty if unknown/other owner's/stored without its chunks. */
    Optional<StoredReply> reply(String owner, String messageId);

    /** The owner's conversations, newest first, at most max. */
    List<ConversationSummary> conversations(String owner, int max);

    /**
     * The newest maxReturned messages (oldest first) of the owner's conversation, or empty if unknown/other owner's.
     */
    Optional<HistoryPage> history(String owner, String conversationId, int maxReturned);

    /** Deletes the owner's conversation and its messages; false if unknown/other owner's/already deleted. */
    boolean delete(String owner, String conversationId);

    /** How many conversations, messages and stored replies' chunk rows there are, over every owner. */
    StoredCounts counts();
}
