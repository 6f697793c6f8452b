package org.agentstream.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.agentstream.agent.Turn;

/**
 * Conversations in the {@code history} persistence unit, in the container's transactions. A message locks its
 * conversation's row, so messages sent into one conversation at once take distinct positions in receive order.
 */
@ApplicationScoped
@Transactional
public class JpaConversationRepository implements ConversationRepository {

    /** Ids in one {@code IN} list, well under what any database takes. */
    private static final int IDS_PER_QUERY = 500;

    @PersistenceContext(unitName = "history")
    private EntityManager em;

    protected JpaConversationRepository() {
    }

    /** For tests without a container: the caller begins and ends the transactions. */
    public JpaConversationRepository(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<UserTurn> addUserMessage(String owner, String conversationId, boolean create, String agent,
            String content, String clientId, long now, int maxEarlierTurns) {
        Conversation conversation;
        if (create) {
            conversation = new Conversation(conversationId, owner, content, now);
            em.persist(conversation);
        } else {
            conversation = ownLocked(owner, conversationId);
            if (conversation == null) {
                return Optional.empty();
            }
        }
        int position = conversation.addUserMessage(now);
        List<Turn> earlier = create ? List.of() : earlierTurns(conversation, position, maxEarlierTurns);
        em.persist(Message.fromUser(conversation, position, agent, content, clientId, now));
        return Optional.of(new UserTurn(conversationId, position + 1, earlier));
    }

    /**
     * The owner's conversation, locked (and read again under the lock), or null if it is unknown or another owner's:
     * the owner is checked before the lock (it never changes), so a request naming another owner's conversation
     * never holds that conversation's row, nor the transaction it shares with other owners' writes.
     */
    private Conversation ownLocked(String owner, String conversationId) {
        Conversation conversation = em.find(Conversation.class, conversationId);
        if (conversation == null || !conversation.isOwnedBy(owner)) {
            return null;
        }
        em.refresh(conversation, LockModeType.PESSIMISTIC_WRITE);
        return conversation;
    }

    private List<Turn> earlierTurns(Conversation conversation, int before, int max) {
        if (max <= 0) {
            return List.of();
        }
        List<Turn> newestFirst = em.createQuery("SELECT NEW org.agentstream.agent.Turn(m.role, m.agent, m.content)"
                        + " FROM Message m WHERE m.conversation = :conversation AND m.position < :before"
                        + " AND (m.role = :user OR LENGTH(m.content) > 0) ORDER BY m.position DESC", Turn.class)
                .setParameter("conversation", conversation)
                .setParameter("before", before)
                .setParameter("user", Message.USER)
                .setMaxResults(max)
                .getResultList();
        List<Turn> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return List.copyOf(oldestFirst);
    }

    @Override
    public ReplyStored addReply(String conversationId, int position, String agent, ReplyText text, String status,
            String messageId, String clientId, long createdAt, long now) {
        Conversation conversation = em.find(Conversation.class, conversationId, LockModeType.PESSIMISTIC_WRITE);
        if (messageId != null) {
            deleteProgress(List.of(messageId));
        }
        if (conversation == null) {
            return ReplyStored.NO_CONVERSATION;
        }
        // under the conversation's lock, so of two nodes that store the reply at once the second finds the first's
        long there = em.createQuery("SELECT COUNT(m) FROM Message m WHERE m.conversation = :conversation"
                        + " AND m.position = :position", Long.class)
                .setParameter("conversation", conversation)
                .setParameter("position", position)
                .getSingleResult();
        if (there > 0) {
            return ReplyStored.ALREADY_STORED;
        }
        conversation.addReply(now);
        em.persist(Message.reply(conversation, position, agent, text.content(), status, messageId, clientId,
                createdAt, text.chunks()));
        if (messageId != null) {
            em.persist(new StoredChunks(messageId, conversation, position, text));
        }
        return ReplyStored.STORED;
    }

    @Override
    public void writeProgress(List<UnfinishedReply> replies, long now) {
        // one query for the rows written before, then one statement per reply when the transaction commits
        Map<String, ReplyProgress> written = new HashMap<>();
        for (int from = 0; from < replies.size(); from += IDS_PER_QUERY) {
            List<String> ids = replies.subList(from, Math.min(replies.size(), from + IDS_PER_QUERY)).stream()
                    .map(UnfinishedReply::messageId).toList();
            em.createQuery("SELECT p FROM ReplyProgress p WHERE p.messageId IN :ids", ReplyProgress.class)
                    .setParameter("ids", ids)
                    .getResultList()
                    .forEach(row -> written.put(row.messageId(), row));
        }
        for (UnfinishedReply reply : replies) {
            ReplyProgress row = written.get(reply.messageId());
            if (row == null) {
                em.persist(new ReplyProgress(reply, now));
            } else {
                row.rewrite(reply.text(), now);
            }
        }
    }

    @Override
    public void deleteProgress(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return;
        }
        em.createQuery("DELETE FROM ReplyProgress p WHERE p.messageId IN :ids")
                .setParameter("ids", messageIds)
                .executeUpdate();
    }

    @Override
    public List<UnfinishedReply> progressLeftBy(String node, long startedBefore) {
        return em.createQuery("SELECT p FROM ReplyProgress p WHERE p.node = :node AND p.createdAt < :before"
                        + " ORDER BY p.createdAt", ReplyProgress.class)
                .setParameter("node", node)
                .setParameter("before", startedBefore)
                .getResultList().stream()
                .map(ReplyProgress::unfinished)
                .toList();
    }

    @Override
    public Optional<StoredReply> reply(String owner, String messageId) {
        StoredChunks chunks = em.find(StoredChunks.class, messageId);
        if (chunks == null || !chunks.conversation().isOwnedBy(owner)) {
            return Optional.empty();
        }
        return em.createQuery("SELECT m FROM Message m WHERE m.conversation = :conversation"
                        + " AND m.position = :position", Message.class)
                .setParameter("conversation", chunks.conversation())
                .setParameter("position", chunks.position())
                .getResultStream()
                .findFirst()
                .map(message -> message.storedReply(chunks));
    }

    @Override
    public List<ConversationSummary> conversations(String owner, int max) {
        if (max <= 0) {
            return List.of();
        }
        return em.createQuery("SELECT c FROM Conversation c WHERE c.owner = :owner"
                        + " ORDER BY c.updatedAt DESC, c.id", Conversation.class)
                .setParameter("owner", owner)
                .setMaxResults(max)
                .getResultList().stream()
                .map(Conversation::summary)
                .toList();
    }

    @Override
    public Optional<HistoryPage> history(String owner, String conversationId, int maxReturned) {
        Conversation conversation = em.find(Conversation.class, conversationId);
        if (conversation == null || !conversation.isOwnedBy(owner)) {
            return Optional.empty();
        }
        List<HistoryEntry> newestFirst = maxReturned <= 0 ? List.of() : em.createQuery(
                        "SELECT m FROM Message m WHERE m.conversation = :conversation ORDER BY m.position DESC",
                        Message.class)
                .setParameter("conversation", conversation)
                .setMaxResults(maxReturned)
                .getResultList().stream()
                .map(Message::entry)
                .toList();
        List<HistoryEntry> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        int olderLeftOut = Math.max(0, conversation.messageCount() - oldestFirst.size());
        return Optional.of(new HistoryPage(conversationId, List.copyOf(oldestFirst), olderLeftOut));
    }

    @Override
    public boolean delete(String owner, String conversationId) {
        Conversation conversation = ownLocked(owner, conversationId);
        if (conversation == null) {
            return false;
        }
        em.createQuery("DELETE FROM StoredChunks s WHERE s.conversation = :conversation")
                .setParameter("conversation", conversation)
                .executeUpdate();
        em.createQuery("DELETE FROM Message m WHERE m.conversation = :conversation")
                .setParameter("conversation", conversation)
                .executeUpdate();
        em.remove(conversation);
        return true;
    }

    @Override
    public StoredCounts counts() {
        return new StoredCounts(count("Conversation"), count("Message"), count("StoredChunks"));
    }

    @Override
    public void inOneTransaction(Runnable work) {
        work.run(); // the class's @Transactional begins the transaction, or joins the caller's
    }

    private long count(String entity) {
        return em.createQuery("SELECT COUNT(e) FROM " + entity + " e", Long.class).getSingleResult();
    }
}
