package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.regex.Pattern;

/**
 * A conversation of one owner: its messages take positions in the order the server received them, a user's message
 * and the reply reserved right after it.
 */
@Entity
@Table(name = "agentstream_conversation",
        indexes = @Index(name = "agentstream_conversation_owner", columnList = "owner, updated_at"))
public class Conversation {

    static final int TITLE_LENGTH = 80;
    private static final Pattern WHITESPACE = Pattern.compile("(?U)\\s+");

    @Id
    @Column(length = 64)
    private String id;

    @Column(nullable = false, length = 200)
    private String owner;

    @Column(nullable = false, length = TITLE_LENGTH)
    private String title;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    @Column(name = "message_count", nullable = false)
    private int messageCount;

    @Column(name = "next_position", nullable = false)
    private int nextPosition;

    protected Conversation() {
    }

    Conversation(String id, String owner, String firstMessage, long now) {
        this.id = id;
        this.owner = owner;
        this.title = titleOf(firstMessage);
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** The first message with its whitespace collapsed, cut to 79 characters and "…" when longer than 80. */
    static String titleOf(String firstMessage) {
        String title = WHITESPACE.matcher(firstMessage == null ? "" : firstMessage).replaceAll(" ").strip();
        if (title.length() <= TITLE_LENGTH) {
            return title;
        }
        int cut = TITLE_LENGTH - 1;
        if (Character.isHighSurrogate(title.charAt(cut - 1))) {
            cut--;
        }
        return title.substring(0, cut) + "…";
    }

    /** Counts a user's message in and reserves the position after it for the reply; returns the message's position. */
    int addUserMessage(long now) {
        int position = nextPosition;
        nextPosition += 2;
        messageCount++;
        updatedAt = now;
        return position;
    }

    void addReply(long now) {
        messageCount++;
        updatedAt = now;
    }

    /** Reserves the next position for a new reply to an earlier message (a regenerate); returns it. */
    int reserveReply(long now) {
        updatedAt = now;
        return nextPosition++;
    }

    /** The position reserved last, for the reply to the last message or to a regenerate; -1 when none. */
    int lastReserved() {
        return nextPosition - 1;
    }

    /** {@code count} stored messages left the current branch: they are counted no more. */
    void leaveBranch(int count) {
        messageCount -= count;
    }

    String id() {
        return id;
    }

    boolean isOwnedBy(String someone) {
        return owner.equals(someone);
    }

    ConversationSummary summary() {
        return new ConversationSummary(id, title, updatedAt, messageCount);
    }

    int messageCount() {
        return messageCount;
    }
}
