package org.agentstream.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
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
            String content, String clientId, String userMessageId, long now, int maxEarlierTurns) {
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
        em.persist(Message.fromUser(userMessageId, conversation, position, agent, content, clientId, now));
        return Optional.of(new UserTurn(conversationId, position + 1, earlier));
    }

    @Override
    public Optional<String> conversationOfReply(String owner, String messageId) {
        StoredChunks chunks = em.find(StoredChunks.class, messageId);
        if (chunks != null) {
            return chunks.conversation().isOwnedBy(owner) ? Optional.of(chunks.conversation().id()) : Optional.empty();
        }
        return em.createQuery("SELECT p.conversationId FROM ReplyProgress p WHERE p.messageId = :messageId"
                        + " AND p.owner = :owner", String.class)
                .setParameter("messageId", messageId)
                .setParameter("owner", owner)
                .getResultStream().findFirst();
    }

    @Override
    public Branch regenerate(String owner, String conversationId, String messageId, Predicate<String> agentKnown,
            long now, int maxEarlierTurns) {
        Conversation conversation = ownLocked(owner, conversationId);
        if (conversation == null) {
            return Branch.refused(Branch.Refusal.UNKNOWN_MESSAGE);
        }
        ConversationBranches branches = new ConversationBranches(em, conversation);
        Message reply = branches.reply(messageId);
        if (reply == null) {
            return Branch.refused(branches.replyStreaming() && conversationOfReply(owner, messageId).isPresent()
                    ? Branch.Refusal.REPLY_STREAMING : Branch.Refusal.UNKNOWN_MESSAGE);
        }
        if (branches.isSuperseded(reply.position())) {
            return Branch.refused(Branch.Refusal.NOT_LAST_REPLY);
        }
        if (branches.replyStreaming()) {
            return Branch.refused(Branch.Refusal.REPLY_STREAMING);
        }
        Integer questionAt = branches.parentOf(reply.position());
        Message question = questionAt == null ? null : branches.message(questionAt);
        if (reply.position() != conversation.lastReserved() || question == null || !question.isFromUser()) {
            return Branch.refused(Branch.Refusal.NOT_LAST_REPLY);
        }
        if (!agentKnown.test(reply.agent())) {
            return Branch.agentGone(reply.agent());
        }
        branches.supersedeFrom(reply.position(), questionAt, now);
        int position = conversation.reserveReply(now);
        branches.branchAt(position, questionAt);
        List<Turn> earlier = earlierTurns(conversation, questionAt, maxEarlierTurns);
        return Branch.made(new UserTurn(conversationId, position, earlier), question.id(), question.content(),
                reply.agent());
    }

    @Override
    public Branch edit(String owner, String conversationId, String replaces, String agent, String content,
            String clientId, String userMessageId, long now, int maxEarlierTurns) {
        Conversation conversation = ownLocked(owner, conversationId);
        if (conversation == null) {
            return Branch.refused(Branch.Refusal.UNKNOWN_CONVERSATION);
        }
        ConversationBranches branches = new ConversationBranches(em, conversation);
        Message replaced = branches.userMessage(replaces);
        if (replaced == null || branches.isSuperseded(replaced.position())) {
            return Branch.refused(Branch.Refusal.UNKNOWN_MESSAGE);
        }
        if (branches.replyStreaming()) {
            return Branch.refused(Branch.Refusal.REPLY_STREAMING);
        }
        Integer parent = branches.parentOf(replaced.position());
        branches.supersedeFrom(replaced.position(), parent, now);
        int position = conversation.addUserMessage(now);
        branches.branchAt(position, parent);
        List<Turn> earlier = earlierTurns(conversation, position, maxEarlierTurns);
        em.persist(Message.fromUser(userMessageId, conversation, position, agent, content, clientId, now));
        return Branch.made(new UserTurn(conversationId, position + 1, earlier), userMessageId, content, agent);
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
                        + " AND (m.role = :user OR LENGTH(m.content) > 0)" + ConversationBranches.CURRENT
                        + " ORDER BY m.position DESC", Turn.class)
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
        if (!new ConversationBranches(em, conversation).isSuperseded(position)) {
            conversation.addReply(now); // a reply to a message edited while it streamed is stored in the older branch
        }
        em.persist(Message.reply(conversation, position, agent, text.content(), status, messageId, clientId,
                createdAt, text.chunks()));
        if (messageId != null) {
            em.persist(new StoredChunks(messageId, conversation, position, text));
            if (StoredEvents.worthKeeping(text)) {
                em.persist(new StoredEvents(messageId, conversationId, text));
            }
        }
        return ReplyStored.STORED;
    }

    /**
     * The rows of {@code entity} (an entity keyed by {@code messageId}) of the replies {@code messageIds} that have
     * one, by message id: one query per {@value #IDS_PER_QUERY} ids.
     */
    private <T> Map<String, T> byMessageId(Class<T> entity, Collection<String> messageIds,
            Function<T, String> messageIdOf) {
        Map<String, T> found = new HashMap<>();
        List<String> ids = List.copyOf(messageIds);
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            em.createQuery("SELECT r FROM " + entity.getSimpleName() + " r WHERE r.messageId IN :ids", entity)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)))
                    .getResultList()
                    .forEach(row -> found.put(messageIdOf.apply(row), row));
        }
        return found;
    }

    @Override
    public void writeProgress(List<UnfinishedReply> replies, long now) {
        // the rows written before, read before anything is persisted (so no query flushes early), then one statement
        // per row when the transaction commits
        Map<String, ReplyProgress> written = byMessageId(ReplyProgress.class,
                replies.stream().map(UnfinishedReply::messageId).toList(), ReplyProgress::messageId);
        List<UnfinishedReply> withEvents = replies.stream().filter(reply -> StoredEvents.worthKeeping(reply.text()))
                .toList();
        Map<String, ProgressEvents> eventsWritten = byMessageId(ProgressEvents.class,
                withEvents.stream().map(UnfinishedReply::messageId).toList(), ProgressEvents::messageId);
        for (UnfinishedReply reply : replies) {
            ReplyProgress row = written.get(reply.messageId());
            if (row == null) {
                em.persist(new ReplyProgress(reply, now));
            } else {
                row.rewrite(reply.text(), now);
            }
        }
        // the frames other than text; a reply whose frames no longer fit the column keeps what was written of them (a
        // part that came first: what fits its text anyway)
        for (UnfinishedReply reply : withEvents) {
            String events = StoredEvents.json(reply.text());
            ProgressEvents row = eventsWritten.get(reply.messageId());
            if (events.length() > ReplyProgress.MAX_TEXT) {
                continue;
            }
            if (row == null) {
                em.persist(new ProgressEvents(reply.messageId(), events));
            } else {
                row.rewrite(events);
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
        // whether the reply had frames other than text or not: a frame its client never got may have been dropped
        em.createQuery("DELETE FROM ProgressEvents e WHERE e.messageId IN :ids")
                .setParameter("ids", messageIds)
                .executeUpdate();
    }

    @Override
    public List<UnfinishedReply> progressLeftBy(String node, long startedBefore) {
        List<UnfinishedReply> left = em.createQuery("SELECT p FROM ReplyProgress p WHERE p.node = :node"
                        + " AND p.createdAt < :before ORDER BY p.createdAt", ReplyProgress.class)
                .setParameter("node", node)
                .setParameter("before", startedBefore)
                .getResultList().stream()
                .map(ReplyProgress::unfinished)
                .toList();
        Map<String, ProgressEvents> events = byMessageId(ProgressEvents.class,
                left.stream().map(UnfinishedReply::messageId).toList(), ProgressEvents::messageId);
        return events.isEmpty() ? left : left.stream().map(reply -> events.containsKey(reply.messageId())
                ? reply.withText(events.get(reply.messageId()).onto(reply.text())) : reply).toList();
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
                .map(message -> withEvents(message.storedReply(chunks)));
    }

    private StoredReply withEvents(StoredReply stored) {
        StoredEvents events = em.find(StoredEvents.class, stored.messageId());
        return events == null ? stored
                : new StoredReply(stored.messageId(), stored.replyTo(), stored.status(), events.onto(stored.text()));
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
                        "SELECT m FROM Message m WHERE m.conversation = :conversation" + ConversationBranches.CURRENT
                                + " ORDER BY m.position DESC", Message.class)
                .setParameter("conversation", conversation)
                .setMaxResults(maxReturned)
                .getResultList().stream()
                .map(Message::entry)
                .toList();
        newestFirst = withParts(newestFirst);
        List<HistoryEntry> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        int olderLeftOut = Math.max(0, conversation.messageCount() - oldestFirst.size());
        return Optional.of(new HistoryPage(conversationId, List.copyOf(oldestFirst), olderLeftOut));
    }

    /** The entries, each reply that streamed more than text with its parts and usage. */
    private List<HistoryEntry> withParts(List<HistoryEntry> entries) {
        Map<String, StoredEvents> events = byMessageId(StoredEvents.class, entries.stream()
                .map(HistoryEntry::messageId).filter(Objects::nonNull).toList(), StoredEvents::messageId);
        if (events.isEmpty()) {
            return entries;
        }
        Map<String, StoredChunks> chunksOf = byMessageId(StoredChunks.class, events.keySet(),
                StoredChunks::messageId);
        return entries.stream().map(entry -> {
            StoredEvents kept = entry.messageId() == null ? null : events.get(entry.messageId());
            StoredChunks chunks = kept == null ? null : chunksOf.get(entry.messageId());
            return chunks == null ? entry
                    : entry.with(kept.onto(chunks.text(entry.content(), entry.createdAt())));
        }).toList();
    }

    @Override
    public boolean delete(String owner, String conversationId) {
        Conversation conversation = ownLocked(owner, conversationId);
        if (conversation == null) {
            return false;
        }
        em.createQuery("DELETE FROM StoredEvents e WHERE e.conversationId = :id")
                .setParameter("id", conversationId)
                .executeUpdate();
        em.createQuery("DELETE FROM StoredChunks s WHERE s.conversation = :conversation")
                .setParameter("conversation", conversation)
                .executeUpdate();
        em.createQuery("DELETE FROM MessageLink l WHERE l.conversation = :conversation")
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
