package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.util.UUID;

/**
 * Where a message of a conversation that was regenerated or edited stands in its tree of branches: the position it
 * follows (its parent) and, once it left the current branch, when. A position with no link is in the current branch
 * and follows the current message before it. Keyed by position, not by message, because a reply's place is reserved
 * before the reply is stored; in a table of its own, so a database made by an earlier version gets it created beside
 * its tables, with no column to add.
 */
@Entity
@Table(name = "agentstream_message_links", uniqueConstraints = @UniqueConstraint(
        name = "agentstream_message_links_position", columnNames = {"conversation_id", "position"}))
public class MessageLink {

    @Id
    @Column(length = 36)
    private String id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "conversation_id", nullable = false)
    private Conversation conversation;

    @Column(nullable = false)
    private int position;

    /** The position this one follows; null for a conversation's first message. */
    @Column(name = "parent_position")
    private Integer parentPosition;

    /** When the message left the current branch (epoch ms); null while it is in it. */
    @Column(name = "superseded_at")
    private Long supersededAt;

    protected MessageLink() {
    }

    MessageLink(Conversation conversation, int position, Integer parentPosition, Long supersededAt) {
        this.id = UUID.randomUUID().toString();
        this.conversation = conversation;
        this.position = position;
        this.parentPosition = parentPosition;
        this.supersededAt = supersededAt;
    }

    int position() {
        return position;
    }

    Integer parentPosition() {
        return parentPosition;
    }

    boolean isSuperseded() {
        return supersededAt != null;
    }

    void supersede(long now) {
        supersededAt = now;
    }
}
