package org.agentstream.history;

import java.util.List;
import java.util.Optional;

/** Conversations and their messages, stored for their owner. */
public interface ConversationRepository {

    Optional<UserTurn> addUserMessage(String owner, String conversationId, boolean create, String agent,
            String content, String clientId, long now, int maxEarlierTurns);

    void addReply(String conversationId, int position, String agent, String content, String status,
            String messageId, String clientId, int chunks, long createdAt, long now);

    List<ConversationSummary> conversations(String owner, int max);

    Optional<HistoryPage> history(String owner, String conversationId, int maxReturned);

    boolean delete(String owner, String conversationId);
}
