package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * Where each chunk of a stored reply ends and when it was sent, keyed by the reply's message id (so a resume finds
 * it by that id alone), in a table of its own: a database made by an earlier version gets it created beside its
 * tables, with no column to add.
 */
@Entity
@Table(name = "agentstream_reply_chunks")
public class StoredChunks {

    @Id
    @Column(name = "message_id", length = 64)
    private String messageId;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "conversation_id", nullable = false)
    private Conversation conversation;

    @Column(nullable = false)
    private int position;

    @Embedded
    private ChunkColumns chunks;

    protected StoredChunks() {
    }

    StoredChunks(String messageId, Conversation conversation, int position, ReplyText text) {
        this.messageId = messageId;
        this.conversation = conversation;
        this.position = position;
        this.chunks = new ChunkColumns(text);
    }

    String messageId() {
        return messageId;
    }

    Conversation conversation() {
        return conversation;
    }

    int position() {
        return position;
    }

    /** The stored chunks of {@code content}, or the whole of it as one chunk if they do not fit it. */
    ReplyText text(String content, long createdAtMillis) {
        return ChunkColumns.text(chunks, content, createdAtMillis);
    }
}
