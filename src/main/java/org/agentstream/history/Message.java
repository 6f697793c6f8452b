package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.util.UUID;

/**
 * One stored message of a conversation, a user's or an agent's reply, at its position in the conversation. The
 * client's id is kept to {@value #CLIENT_ID_LENGTH} characters (the wire protocol does not bound it).
 */
@Entity
@Table(name = "agentstream_message", uniqueConstraints = @UniqueConstraint(name = "agentstream_message_position",
        columnNames = {"conversation_id", "position"}))
public class Message {

    static final String USER = "user";
    static final String ASSISTANT = "assistant";
    static final int CLIENT_ID_LENGTH = 256;

    @Id
    @Column(length = 36)
    private String id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "conversation_id", nullable = false)
    private Conversation conversation;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false, length = 16)
    private String role;

    @Column(length = 200)
    private String agent;

    @Lob
    private String content;

    @Column(nullable = false, length = 16)
    private String status;

    @Column(name = "message_id", length = 64)
    private String messageId;

    @Column(name = "client_id", length = CLIENT_ID_LENGTH)
    private String clientId;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(nullable = false)
    private int chunks;

    protected Message() {
    }

    private Message(String id, Conversation conversation, int position, String role, String agent, String content,
            String status, String messageId, String clientId, long createdAt, int chunks) {
        this.id = id;
        this.conversation = conversation;
        this.position = position;
        this.role = role;
        this.agent = agent;
        this.content = content;
        this.status = status;
        this.messageId = messageId;
        this.clientId = storedClientId(clientId);
        this.createdAt = createdAt;
        this.chunks = chunks;
    }

    /** The client's id as a row keeps it: its first {@value #CLIENT_ID_LENGTH} characters. */
    static String storedClientId(String clientId) {
        return clientId == null || clientId.length() <= CLIENT_ID_LENGTH ? clientId
                : clientId.substring(0, CLIENT_ID_LENGTH);
    }

    /**
     * A user's message, stored whole when it arrives, under {@code id}: the server's id of the message, which a client
     * names to edit it (a reply's server id is its {@code messageId}).
     */
    static Message fromUser(String id, Conversation conversation, int position, String agent, String content,
            String clientId, long createdAt) {
        return new Message(id, conversation, position, USER, agent, content, "complete", null, clientId, createdAt, 0);
    }

    static Message reply(Conversation conversation, int position, String agent, String content, String status,
            String messageId, String clientId, long createdAt, int chunks) {
        return new Message(UUID.randomUUID().toString(), conversation, position, ASSISTANT, agent, content, status,
                messageId, clientId, createdAt, chunks);
    }

    String id() {
        return id;
    }

    boolean isFromUser() {
        return USER.equals(role);
    }

    int position() {
        return position;
    }

    String agent() {
        return agent;
    }

    String content() {
        return content == null ? "" : content;
    }

    StoredReply storedReply(StoredChunks chunks) {
        String text = content == null ? "" : content;
        return new StoredReply(messageId, clientId, status, chunks.text(text, createdAt));
    }

    /** The message in a {@code history} frame: a user's with its row's id as its {@code messageId}. */
    HistoryEntry entry() {
        String serverId = USER.equals(role) ? id : messageId;
        return new HistoryEntry(role, agent, content == null ? "" : content, status, serverId, createdAt, chunks);
    }
}
