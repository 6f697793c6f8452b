package org.agentstream.history;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import java.util.Map;
import java.util.TreeMap;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.ReplyEventJson;

/**
 * The frames of a reply that are not text (reasoning, tool calls and results, by seq) and what its model used, as
 * JSON, keyed by the reply's message id, in a table of its own: a reply of text alone has no row, and a database made
 * by an earlier version gets the table created beside its tables. Written once, when the reply is stored (while it
 * streams, the same JSON goes to {@link ProgressEvents}); deleted with its conversation.
 */
@Entity
@Table(name = "agentstream_reply_events", indexes = @Index(name = "agentstream_reply_events_conversation",
        columnList = "conversation_id"))
public class StoredEvents {

    @Id
    @Column(name = "message_id", length = 64)
    private String messageId;

    @Column(name = "conversation_id", nullable = false, length = 64)
    private String conversationId;

    @Lob
    @Column(name = "events")
    private String events;

    protected StoredEvents() {
    }

    StoredEvents(String messageId, String conversationId, ReplyText text) {
        this.messageId = messageId;
        this.conversationId = conversationId;
        this.events = json(text);
    }

    /** Whether {@code text} has anything this table keeps. */
    static boolean worthKeeping(ReplyText text) {
        return !text.events().isEmpty() || text.usage() != null;
    }

    String messageId() {
        return messageId;
    }

    /** The frames of {@code text} that are not text, by seq, and its usage, as the JSON this table keeps. */
    static String json(ReplyText text) {
        JsonArrayBuilder frames = ReplyEventJson.provider().createArrayBuilder();
        text.events().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(frame -> {
            JsonObjectBuilder one = ReplyEventJson.provider()
                    .createObjectBuilder(ReplyEventJson.toJson(frame.getValue()));
            frames.add(one.add("seq", frame.getKey()));
        });
        JsonObjectBuilder json = ReplyEventJson.provider().createObjectBuilder().add("events", frames);
        if (text.usage() != null) {
            json.add("usage", ReplyEventJson.toJson(text.usage()));
        }
        return json.build().toString();
    }

    /** {@code text} with the frames and usage kept here, those that fit it (a seq it has). */
    ReplyText onto(ReplyText text) {
        return onto(events, text);
    }

    /** {@code text} with the frames and usage of {@code events} (as {@link #json} writes them) that fit it. */
    static ReplyText onto(String events, ReplyText text) {
        JsonObject json = ReplyEventJson.object(events);
        if (json == null) {
            return text;
        }
        Map<Integer, ReplyEvent> frames = new TreeMap<>();
        if (json.get("events") instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonObject frame && frame.get("seq") instanceof JsonNumber seq) {
                    ReplyEvent event = ReplyEventJson.fromJson(frame);
                    int at = seq.intValue();
                    if (event != null && at >= 0 && at < text.chunks() && text.chunk(at).isEmpty()) {
                        frames.put(at, event);
                    }
                }
            }
        }
        return text.with(frames, ReplyEventJson.usage(json.get("usage") instanceof JsonObject usage ? usage : null));
    }
}
