package org.agentstream.chat;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

/** JSON-B for wire frames, with one shared thread-safe {@link Jsonb}. JSON only: no escaping for display. */
@ApplicationScoped
public class FrameCodec {

    private final Jsonb jsonb = JsonbBuilder.create();

    /** Decodes a client frame; throws {@link JsonbException} when the text is not a JSON object. */
    public InboundFrame decode(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            throw new JsonbException("a frame is a JSON object");
        }
        InboundFrame frame = jsonb.fromJson(trimmed, InboundFrame.class);
        if (frame == null) {
            throw new JsonbException("a frame is a JSON object");
        }
        return frame;
    }

    public String encode(OutboundFrame frame) {
        return jsonb.toJson(frame);
    }

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // nothing to release that matters at shutdown
        }
    }
}
