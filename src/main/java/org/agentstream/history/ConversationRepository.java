package org.agentstream.history;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

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
    default Optional<UserTurn> addUserMessage(String owner, String conversationId, boolean create, String agent,
            String content, String clientId, long now, int maxEarlierTurns) {
        return addUserMessage(owner, conversationId, create, agent, content, clientId, UUID.randomUUID().toString(),
                now, maxEarlierTurns);
    }

    /** {@link #addUserMessage}, the message stored under the server's id {@code userMessageId}. */
    Optional<UserTurn> addUserMessage(String owner, String conversationId, boolean create, String agent,
            String content, String clientId, String userMessageId, long now, int maxEarlierTurns);

    /**
     * The conversation of the owner's reply {@code messageId}, stored or still streaming (its progress written), or
     * empty if unknown/other owner's.
     */
    Optional<String> conversationOfReply(String owner, String messageId);

    /**
     * Takes the owner's reply {@code messageId}, the last message of the conversation's current branch, out of it
     * (it stays stored, in an older branch) and reserves a place for a new reply to the same user message; reads the
     * turns before that message. Refused, with nothing changed, when the reply is unknown or another owner's, not the
     * last one, or a reply of the conversation still streams, or its agent is not {@code agentKnown}.
     */
    Branch regenerate(String owner, String conversationId, String messageId, Predicate<String> agentKnown, long now,
            int maxEarlierTurns);

    /**
     * Edits the owner's user message {@code replaces} of the conversation: it and every later message leave the
     * current branch (they stay stored, in an older branch), and the new message is stored after the one it followed,
     * as {@link #addUserMessage} stores a message. Refused, with nothing changed, as {@link #regenerate} is, and when
     * {@code replaces} is not a user message of the conversation's current branch.
     */
    Branch edit(String owner, String conversationId, String replaces, String agent, String content, String clientId,
            String userMessageId, long now, int maxEarlierTurns);

    /** What {@link #addReply} did. */
    enum ReplyStored { STORED, ALREADY_STORED, NO_CONVERSATION }

    /**
     * Stores a reply at its reserved position, with its chunks, and deletes its {@link ReplyProgress} row; nothing
     * is stored if the conversation was deleted meanwhile or the position holds a reply already (stored by another
     * node, or before a crash).
     */
    ReplyStored addReply(String conversationId, int position, String agent, ReplyText text, String status,
            String messageId, String clientId, long createdAt, long now);

    /**
     * Writes what each reply has sent so far over what was written before, in one transaction; a reply's first write
     * inserts its row.
     */
    void writeProgress(List<UnfinishedReply> replies, long now);

    /** Deletes the progress rows of these replies (those that exist). */
    void deleteProgress(List<String> messageIds);

    /** The progress rows that {@code node} wrote for replies it started before {@code startedBefore}. */
    List<UnfinishedReply> progressLeftBy(String node, long startedBefore);

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

    /**
     * Runs {@code work}, and every call it makes of this repository, in one transaction: all of it is stored or
     * nothing; a failure rolls it back and is rethrown. (Without a container the caller's transactions hold.)
     */
    default void inOneTransaction(Runnable work) {
        work.run();
    }
}
