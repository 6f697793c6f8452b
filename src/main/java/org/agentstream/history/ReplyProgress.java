package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
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

    @Lob
    private String content;

    @Embedded
    private ChunkColumns chunks;

    protected ReplyProgress() {
    }

    ReplyProgress(UnfinishedReply reply, long now) {
        this.messageId = reply.messageId();
        this.conversationId = reply.conversationId();
        this.position = reply.position();
        this.owner = reply.owner();
        this.agent = reply.agent();
        this.clientId = reply.clientId() == null || reply.clientId().length() <= Message.CLIENT_ID_LENGTH
                ? reply.clientId() : reply.clientId().substring(0, Message.CLIENT_ID_LENGTH);
        this.createdAt = reply.createdAt();
        this.node = reply.node();
        this.updatedAt = now;
        this.content = reply.text().content();
        this.chunks = new ChunkColumns(reply.text());
    }

    String messageId() {
        return messageId;
    }

    /** What the reply has sent by {@code now}, over what was written before. */
    void rewrite(ReplyText text, long now) {
        this.updatedAt = now;
        this.content = text.content();
        this.chunks = new ChunkColumns(text);
    }

    UnfinishedReply unfinished() {
        String text = content == null ? "" : content;
        return new UnfinishedReply(messageId, owner, conversationId, position, agent, clientId, createdAt, node,
                ChunkColumns.text(chunks, text, createdAt));
    }
}
