package org.agentstream.history;

import jakarta.persistence.EntityManager;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The branches of one conversation, read and changed within the caller's transaction, the conversation locked: which
 * positions left the current branch ({@link MessageLink}s), the parent of a position, and taking a suffix of the
 * current branch out of it. Positions only grow, and only a suffix of the current branch ever leaves it, so every
 * current message is at a position above every older branch's, and a position without a link follows the current
 * message before it.
 */
final class ConversationBranches {

    /** A JPQL condition on {@code Message m} of {@code :conversation}: m is in the current branch. */
    static final String CURRENT = " AND NOT EXISTS (SELECT l FROM MessageLink l WHERE l.conversation = :conversation"
            + " AND l.position = m.position AND l.supersededAt IS NOT NULL)";

    private final EntityManager em;
    private final Conversation conversation;

    ConversationBranches(EntityManager em, Conversation conversation) {
        this.em = em;
        this.conversation = conversation;
    }

    boolean isSuperseded(int position) {
        MessageLink link = link(position);
        return link != null && link.isSuperseded();
    }

    /**
     * Whether a reply of the conversation still streams: the place reserved last (for the reply to the last message,
     * or to a regenerate) holds no stored message yet.
     */
    boolean replyStreaming() {
        int last = conversation.lastReserved();
        return last >= 0 && message(last) == null;
    }

    /** The message stored at {@code position}, or null. */
    Message message(int position) {
        return em.createQuery("SELECT m FROM Message m WHERE m.conversation = :conversation"
                        + " AND m.position = :position", Message.class)
                .setParameter("conversation", conversation)
                .setParameter("position", position)
                .getResultStream().findFirst().orElse(null);
    }

    /** The conversation's reply with this server message id, or null. */
    Message reply(String messageId) {
        return em.createQuery("SELECT m FROM Message m WHERE m.conversation = :conversation"
                        + " AND m.messageId = :messageId AND m.role = :assistant", Message.class)
                .setParameter("conversation", conversation)
                .setParameter("messageId", messageId)
                .setParameter("assistant", Message.ASSISTANT)
                .getResultStream().findFirst().orElse(null);
    }

    /** The conversation's user message with this id (the row's), or null. */
    Message userMessage(String id) {
        return em.createQuery("SELECT m FROM Message m WHERE m.conversation = :conversation AND m.id = :id"
                        + " AND m.role = :user", Message.class)
                .setParameter("conversation", conversation)
                .setParameter("id", id)
                .setParameter("user", Message.USER)
                .getResultStream().findFirst().orElse(null);
    }

    /** The position {@code position} follows: its link's parent, else the current message before it (or null). */
    Integer parentOf(int position) {
        MessageLink link = link(position);
        if (link != null) {
            return link.parentPosition();
        }
        return em.createQuery("SELECT MAX(m.position) FROM Message m WHERE m.conversation = :conversation"
                        + " AND m.position < :position" + CURRENT, Integer.class)
                .setParameter("conversation", conversation)
                .setParameter("position", position)
                .getSingleResult();
    }

    /** Starts a branch at {@code position}, after {@code parent}, for a message or a reply to come there. */
    void branchAt(int position, Integer parent) {
        em.persist(new MessageLink(conversation, position, parent, null));
    }

    /**
     * Takes every position from {@code from} on (stored messages and places reserved for replies still to come) out
     * of the current branch, each linked to the one it followed, and uncounts the stored messages among them;
     * {@code parentOfFrom} is the position {@code from} follows ({@link #parentOf}), which the caller has read.
     */
    void supersedeFrom(int from, Integer parentOfFrom, long now) {
        Map<Integer, MessageLink> links = new HashMap<>();
        em.createQuery("SELECT l FROM MessageLink l WHERE l.conversation = :conversation AND l.position >= :from",
                        MessageLink.class)
                .setParameter("conversation", conversation)
                .setParameter("from", from)
                .getResultList()
                .forEach(link -> links.put(link.position(), link));
        List<Integer> storedList = em.createQuery("SELECT m.position FROM Message m"
                        + " WHERE m.conversation = :conversation AND m.position >= :from", Integer.class)
                .setParameter("conversation", conversation)
                .setParameter("from", from)
                .getResultList();
        Set<Integer> stored = new HashSet<>(storedList);
        Integer parent = parentOfFrom;
        int left = 0;
        for (int position = from; position <= conversation.lastReserved(); position++) {
            MessageLink link = links.get(position);
            if (link != null && link.isSuperseded()) {
                continue;
            }
            if (link == null) {
                em.persist(new MessageLink(conversation, position, parent, now));
            } else {
                link.supersede(now);
            }
            if (stored.contains(position)) {
                left++;
            }
            parent = position;
        }
        conversation.leaveBranch(left);
        em.flush(); // the reads of the current branch that follow see it
    }

    private MessageLink link(int position) {
        return em.createQuery("SELECT l FROM MessageLink l WHERE l.conversation = :conversation"
                        + " AND l.position = :position", MessageLink.class)
                .setParameter("conversation", conversation)
                .setParameter("position", position)
                .getResultStream().findFirst().orElse(null);
    }
}
