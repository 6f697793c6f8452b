package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The frames that are not text (reasoning, tool calls and results) of a reply still streaming, as {@link StoredEvents}
 * keeps them for a stored reply: written beside the reply's {@link ReplyProgress} row and with it, deleted with it, so
 * that a reply a node leaves mid-tool-call is stored as interrupted with its tool calls, not only its text. A table of
 * its own: a database made by an earlier version gets it created beside its tables, with no column to add.
 */
@Entity
@Table(name = "agentstream_reply_progress_events")
public class ProgressEvents {

    @Id
    @Column(name = "message_id", length = 64)
    private String messageId;

    // Not @Lob, as ReplyProgress's columns: a large object would be left behind at each rewrite.
    @Column(length = ReplyProgress.MAX_TEXT)
    private String events;

    protected ProgressEvents() {
    }

    ProgressEvents(String messageId, String events) {
        this.messageId = messageId;
        this.events = events;
    }

    String messageId() {
        return messageId;
    }

    /** What the reply has sent by now, over what was written before. */
    void rewrite(String sent) {
        this.events = sent;
    }

    /** {@code text}, as its progress row tells it, with the frames kept here that fit it. */
    ReplyText onto(ReplyText text) {
        return StoredEvents.onto(events, text);
    }
}
