package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * What a reply still streaming has sent so far, rewritten about every second by the node that streams it and deleted
 * when the reply is stored, so that a node killed mid-reply stores it as interrupted at its next start. The
 * conversation is a plain column, not a foreign key: a conversation deleted mid-reply is deleted without waiting for
 * its reply.
 */
@Entity
@Table(name = "agentstream_reply_progress", indexes = @Index(name = "agentstream_reply_progress_node",
        columnList = "node"))
public class ReplyProgress {

    /** The longest text a column holds: a reply's text so far, its chunk ends, its send times (a longer one fails). */
    static final int MAX_TEXT = 1_000_000;

    @Id
    @Column(name = "message_id", length = 64)
    private String messageId;

    @Column(name = "conversation_id", nullable = false, length = 64)
    private String conversationId;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false, length = 200)
    private String owner;

    @Column(length = 200)
    private String agent;

    @Column(name = "client_id", length = Message.CLIENT_ID_LENGTH)
    private String clientId;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(nullable = false, length = 200)
    private String node;

    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    // Not @Lob: a large object column (Hibernate's on PostgreSQL) would leave the old object behind at each rewrite.
    @Column(length = MAX_TEXT)
    private String content;

    @Column(name = "chunk_ends", length = MAX_TEXT)
    private String chunkEnds;

    @Column(name = "sent_at", length = MAX_TEXT)
    private String sentAt;

    protected ReplyProgress() {
    }

    ReplyProgress(UnfinishedReply reply, long now) {
        this.messageId = reply.messageId();
        this.conversationId = reply.conversationId();
        this.position = reply.position();
        this.owner = reply.owner();
        this.agent = reply.agent();
        this.clientId = Message.storedClientId(reply.clientId());
        this.createdAt = reply.createdAt();
        this.node = reply.node();
        this.updatedAt = now;
        write(reply.text());
    }

    String messageId() {
        return messageId;
    }

    String conversationId() {
        return conversationId;
    }

    /** What the reply has sent by {@code now}, over what was written before. */
    void rewrite(ReplyText text, long now) {
        this.updatedAt = now;
        write(text);
    }

    private void write(ReplyText text) {
        this.content = text.content();
        this.chunkEnds = ChunkColumns.ends(text);
        this.sentAt = ChunkColumns.sentAt(text);
    }

    UnfinishedReply unfinished() {
        String text = content == null ? "" : content;
        return new UnfinishedReply(messageId, owner, conversationId, position, agent, clientId, createdAt, node,
                ChunkColumns.text(chunkEnds, sentAt, text, createdAt));
    }
}
