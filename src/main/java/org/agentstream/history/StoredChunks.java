package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where each chunk of a stored reply ends and when it was sent, keyed by the reply's message id (so a resume finds
 * it by that id alone), in a table of its own: a database made by an earlier version gets it created beside its
 * tables, with no column to add. Both lists are comma-separated; each send time after the first is the difference
 * to the one before, in microseconds.
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

    @Lob
    @Column(name = "chunk_ends")
    private String chunkEnds;

    @Lob
    @Column(name = "sent_at")
    private String sentAt;

    protected StoredChunks() {
    }

    StoredChunks(String messageId, Conversation conversation, int position, ReplyText text) {
        this.messageId = messageId;
        this.conversation = conversation;
        this.position = position;
        this.chunkEnds = Arrays.stream(text.chunkEnds()).mapToObj(Integer::toString).collect(Collectors.joining(","));
        long[] sent = text.sentAtMicros();
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < sent.length; i++) {
            times.append(i == 0 ? "" : ",").append(i == 0 ? sent[0] : sent[i] - sent[i - 1]);
        }
        this.sentAt = times.toString();
    }

    Conversation conversation() {
        return conversation;
    }

    int position() {
        return position;
    }

    /** The stored chunks of {@code content}, or the whole of it as one chunk if they do not fit it. */
    ReplyText text(String content, long createdAtMillis) {
        int[] ends = chunkEnds == null || chunkEnds.isEmpty() ? new int[0]
                : Arrays.stream(chunkEnds.split(",")).mapToInt(Integer::parseInt).toArray();
        long[] sent = new long[ends.length];
        String[] times = sentAt == null || sentAt.isEmpty() ? new String[0] : sentAt.split(",");
        boolean fits = times.length == ends.length && (ends.length == 0 ? content.isEmpty()
                : ends[ends.length - 1] == content.length());
        for (int i = 0; fits && i < ends.length; i++) {
            fits = ends[i] >= (i == 0 ? 0 : ends[i - 1]);
            sent[i] = Long.parseLong(times[i]) + (i == 0 ? 0 : sent[i - 1]);
        }
        return fits ? new ReplyText(content, ends, sent) : ReplyText.whole(content, createdAtMillis * 1_000);
    }
}
