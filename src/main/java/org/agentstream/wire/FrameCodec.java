package org.agentstream.wire;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Map;
import org.agentstream.agent.ReplyEvent;

/**
 * JSON-B for wire frames, with one shared thread-safe {@link Jsonb}. A client frame is bound only after
 * {@link FrameScanner} has checked it whole and within limits and each known field has its one JSON type. JSON
 * only: no escaping for display.
 */
@ApplicationScoped
public class FrameCodec {

    /** A client frame that is refused, with the client's id for the error frame when the frame had one. */
    public static final class BadFrame extends Exception {
        private static final long serialVersionUID = 1L;
        private final String replyTo;

        BadFrame(String replyTo, String message) {
            super(message, null, false, false);
            this.replyTo = replyTo;
        }

        public String replyTo() {
            return replyTo;
        }
    }

    private static final RecordComponent[] INBOUND_FIELDS = InboundFrame.class.getRecordComponents();

    private final Jsonb jsonb = JsonbBuilder.create();

    /** Decodes a client frame that is complete and valid for its type, or says why it is not. */
    public InboundFrame decode(String text) throws BadFrame {
        FrameScanner.Fields fields;
        try {
            fields = FrameScanner.scan(text);
        } catch (FrameScanner.Rejected rejected) {
            throw new BadFrame(null, rejected.getMessage());
        }
        String replyTo = fields.kinds().get("id") == FrameScanner.Kind.STRING ? fields.strings().get("id") : null;
        checkTypes(fields.kinds(), replyTo);
        InboundFrame frame;
        try {
            frame = jsonb.fromJson(text, InboundFrame.class);
        } catch (JsonbException e) {
            throw new BadFrame(replyTo, "the frame does not bind: " + e.getMessage());
        }
        String problem = frame.problem();
        if (problem != null) {
            throw new BadFrame(replyTo, problem);
        }
        return frame;
    }

    /** Each known field has one JSON type (a null counts as absent); unknown fields may have any. */
    private static void checkTypes(Map<String, FrameScanner.Kind> kinds, String replyTo) throws BadFrame {
        for (RecordComponent field : INBOUND_FIELDS) {
            FrameScanner.Kind kind = kinds.get(field.getName());
            if (kind == null || kind == FrameScanner.Kind.NULL) {
                continue;
            }
            boolean fits = field.getType() == String.class ? kind == FrameScanner.Kind.STRING
                    : field.getType() == Double.class
                            ? kind == FrameScanner.Kind.INTEGER || kind == FrameScanner.Kind.NUMBER
                            : kind == FrameScanner.Kind.INTEGER;
            if (!fits) {
                throw new BadFrame(replyTo, "\"" + field.getName() + "\" must be a JSON "
                        + (field.getType() == String.class ? "string"
                                : field.getType() == Double.class ? "number" : "integer of at most 32 bits")
                        + ", not " + kind.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    public String encode(OutboundFrame frame) {
        if (frame instanceof OutboundFrame.Chunk chunk) {
            return chunk(chunk.messageId(), chunk.seq(), chunk.delta(), chunk.sentAt(),
                    Boolean.TRUE.equals(chunk.replayed()));
        }
        return jsonb.toJson(frame);
    }

    /**
     * The frame of one event of a reply: a {@link #chunk} for text, the frame of its kind for the others. Usage is no
     * frame of its own (it goes with {@code stream_end}): it is refused here.
     */
    public String event(String messageId, int seq, ReplyEvent event, BigDecimal sentAt, boolean replayed) {
        if (event instanceof ReplyEvent.Text text) {
            return chunk(messageId, seq, text.delta(), sentAt, replayed);
        }
        if (event instanceof ReplyEvent.Reasoning reasoning) {
            return jsonb.toJson(new OutboundFrame.Reasoning(messageId, seq, reasoning.delta(), sentAt, replayed));
        }
        if (event instanceof ReplyEvent.ToolCall call) {
            return jsonb.toJson(new OutboundFrame.ToolCall(messageId, seq, call.callId(), call.tool(),
                    call.argumentsDelta(), sentAt, replayed));
        }
        if (event instanceof ReplyEvent.ToolResult result) {
            return jsonb.toJson(new OutboundFrame.ToolResult(messageId, seq, result.callId(), result.status(),
                    result.result(), result.durationMs(), sentAt, replayed));
        }
        throw new IllegalArgumentException("no frame of its own for " + event);
    }

    /**
     * A chunk frame, written by hand because it is the one frame on the hot path: byte for byte what JSON-B writes
     * for {@link OutboundFrame.Chunk} ({@code FrameCodecTest} compares the two), without reflection.
     */
    public String chunk(String messageId, int seq, String delta, BigDecimal sentAt, boolean replayed) {
        StringBuilder json = new StringBuilder(96 + delta.length() + (delta.length() >> 3));
        json.append("{\"type\":\"chunk\",\"messageId\":");
        quote(json, messageId);
        json.append(",\"seq\":").append(seq).append(",\"delta\":");
        quote(json, delta);
        json.append(",\"sentAt\":").append(sentAt.toPlainString());
        return (replayed ? json.append(",\"replayed\":true}") : json.append('}')).toString();
    }

    /** A JSON string as Parsson escapes it: quote, backslash and control characters; everything else as is. */
    private static void quote(StringBuilder json, String text) {
        json.append('"');
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(text, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        json.append(text, plainFrom, text.length()).append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // nothing to release that matters at shutdown
        }
    }
}
