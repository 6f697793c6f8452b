package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.ReplyEventJson;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.StreamStatus;

/**
 * How a reply in flight is kept in the grid's {@link SharedMap.Name#REPLIES} map: a header per reply ({@code h/ID},
 * JSON: whose it is, the member it runs on, its status and, once ended, how many chunks it logged, what its model
 * used and when its first frame left) and an entry per
 * frame ({@code c/ID/SEQ}: the epoch microseconds it was first sent, then a space and its text, or a bar and its
 * event as JSON ({@link ReplyEventJson}) for a frame that is not text).
 */
final class ReplyRecords {

    static final String HEADERS = "h/";
    static final String STREAMING = "streaming";
    /** How many chunk keys one read asks for at once when the count is not known. */
    private static final int READ_BLOCK = 256;

    private ReplyRecords() {
    }

    static String headerKey(String messageId) {
        return HEADERS + messageId;
    }

    static String chunkKey(String messageId, int seq) {
        return "c/" + messageId + '/' + seq;
    }

    static String chunkValue(long sentAtMicros, ReplyEvent event) {
        return event instanceof ReplyEvent.Text text ? sentAtMicros + " " + text.delta()
                : sentAtMicros + "|" + ReplyEventJson.write(event);
    }

    /** One frame as the grid logged it. */
    record LoggedChunk(int seq, ReplyEvent event, long sentAtMicros) {
    }

    /** The frame a value holds, or null when it holds none. */
    private static LoggedChunk parse(int seq, String value) {
        int mark = 0;
        while (value != null && mark < value.length() && (Character.isDigit(value.charAt(mark))
                || (mark == 0 && value.charAt(0) == '-'))) {
            mark++;
        }
        if (value == null || mark == 0 || mark == value.length()) {
            return null;
        }
        long micros = Long.parseLong(value.substring(0, mark));
        ReplyEvent event = value.charAt(mark) == ' ' ? new ReplyEvent.Text(value.substring(mark + 1))
                : value.charAt(mark) == '|' ? ReplyEventJson.read(value.substring(mark + 1)) : null;
        return event == null ? null : new LoggedChunk(seq, event, micros);
    }

    /** Adds what an ended reply's model used and the time to its first frame, those known, to a header or an end. */
    static void addEndFigures(JsonObjectBuilder json, ReplyEvent.Usage usage, Long firstChunkMs) {
        if (usage != null) {
            json.add("usage", ReplyEventJson.toJson(usage));
        }
        if (firstChunkMs != null) {
            json.add("firstChunkMs", firstChunkMs);
        }
    }

    /** The usage {@link #addEndFigures} put in {@code json}, or null. */
    static ReplyEvent.Usage endUsage(JsonObject json) {
        return ReplyEventJson.usage(json.getJsonObject("usage"));
    }

    /** The time to the first frame {@link #addEndFigures} put in {@code json}, or null. */
    static Long endFirstChunkMs(JsonObject json) {
        return json.get("firstChunkMs") instanceof JsonNumber ms ? ms.longValue() : null;
    }

    /**
     * A reply's header; {@code raw} is the JSON it was read from (null for one made here), which a conditional write
     * expects. {@code chunks} is -1 while it streams.
     */
    record Header(String messageId, String owner, String member, String replyTo, String turn, String status,
            int chunks, ReplyEvent.Usage usage, Long firstChunkMs, String raw) {

        static Header streaming(String messageId, String owner, String member, String replyTo, String turn) {
            return new Header(messageId, owner, member, replyTo, turn, STREAMING, -1, null, null, null);
        }

        boolean isStreaming() {
            return STREAMING.equals(status);
        }

        Header ended(ReplyEnd how, int logged) {
            return new Header(messageId, owner, member, replyTo, turn, how.status().wireName(), logged, how.usage(),
                    how.firstChunkMs(), null);
        }

        /** The end this header tells, once the reply ended (its failure, if any, is not kept). */
        ReplyEnd end() {
            return new ReplyEnd(endStatus(), chunks, null, usage, firstChunkMs);
        }

        StreamStatus endStatus() {
            return StreamStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        }

        String json() {
            var object = Json.createObjectBuilder().add("owner", owner).add("member", member)
                    .add("status", status).add("chunks", chunks);
            if (replyTo != null) {
                object.add("replyTo", replyTo);
            }
            if (turn != null) {
                object.add("turn", turn);
            }
            addEndFigures(object, usage, firstChunkMs);
            return object.build().toString();
        }

        /** The header stored under {@code messageId}'s key, or null when there is none or it is not one of ours. */
        static Header read(SharedMap replies, String messageId) {
            return parse(messageId, replies.get(headerKey(messageId)));
        }

        static Header parse(String messageId, String json) {
            if (json == null) {
                return null;
            }
            try (JsonReader reader = Json.createReader(new StringReader(json))) {
                JsonObject object = reader.readObject();
                return new Header(messageId, object.getString("owner"), object.getString("member"),
                        object.getString("replyTo", null), object.getString("turn", null), object.getString("status"),
                        object.getInt("chunks", -1), endUsage(object), endFirstChunkMs(object), json);
            } catch (JsonException | ClassCastException | NullPointerException e) {
                return null;
            }
        }
    }

    /**
     * The reply's chunks from {@code from} on: up to {@code count} (its header's, once it ended), or, while the count
     * is not known (-1), as far as they follow one another without a gap.
     */
    static List<LoggedChunk> read(SharedMap replies, String messageId, int from, int count) {
        List<LoggedChunk> chunks = new ArrayList<>();
        int next = Math.max(0, from);
        while (count < 0 || next < count) {
            int end = count < 0 ? next + READ_BLOCK : Math.min(count, next + READ_BLOCK);
            List<String> keys = new ArrayList<>(end - next);
            for (int seq = next; seq < end; seq++) {
                keys.add(chunkKey(messageId, seq));
            }
            Map<String, String> found = replies.getAll(keys);
            for (int seq = next; seq < end; seq++) {
                LoggedChunk chunk = parse(seq, found.get(chunkKey(messageId, seq)));
                if (chunk == null) {
                    return chunks; // a gap: nothing after it was logged in order
                }
                chunks.add(chunk);
            }
            next = end;
        }
        return chunks;
    }

    /** The keys of a reply's first {@code count} chunks. */
    static List<String> chunkKeys(String messageId, int count) {
        List<String> keys = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            keys.add(chunkKey(messageId, seq));
        }
        return keys;
    }
}
