package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentstream.streaming.StreamStatus;

/**
 * How a reply in flight is kept in the grid's {@link SharedMap.Name#REPLIES} map: a header per reply ({@code h/ID},
 * JSON: whose it is, the member it runs on, its status and, once ended, how many chunks it logged) and an entry per
 * chunk ({@code c/ID/SEQ}: the epoch microseconds it was first sent, a space, its text).
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

    static String chunkValue(long sentAtMicros, String delta) {
        return sentAtMicros + " " + delta;
    }

    /** One chunk as the grid logged it. */
    record LoggedChunk(int seq, String delta, long sentAtMicros) {
    }

    /**
     * A reply's header; {@code raw} is the JSON it was read from (null for one made here), which a conditional write
     * expects. {@code chunks} is -1 while it streams.
     */
    record Header(String messageId, String owner, String member, String replyTo, String turn, String status,
            int chunks, String raw) {

        static Header streaming(String messageId, String owner, String member, String replyTo, String turn) {
            return new Header(messageId, owner, member, replyTo, turn, STREAMING, -1, null);
        }

        boolean isStreaming() {
            return STREAMING.equals(status);
        }

        Header ended(StreamStatus how, int logged) {
            return new Header(messageId, owner, member, replyTo, turn, how.wireName(), logged, null);
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
                        object.getInt("chunks", -1), json);
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
                String value = found.get(chunkKey(messageId, seq));
                int space = value == null ? -1 : value.indexOf(' ');
                if (space < 0) {
                    return chunks; // a gap: nothing after it was logged in order
                }
                chunks.add(new LoggedChunk(seq, value.substring(space + 1),
                        Long.parseLong(value.substring(0, space))));
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
