package org.agentstream.agent;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import org.agentstream.timing.ContextClassLoader;

/**
 * A {@link ReplyEvent} as a JSON object, for where a reply's events are kept or passed on outside this node's memory
 * (the cluster's grid, the conversation store): the fields of its wire frame, without the reply's. Usage has no
 * {@code type}; it is read with {@link #usage}.
 */
public final class ReplyEventJson {

    /** Looked up once: {@code Json.create*} looks the provider up on every call. */
    private static final JsonProvider JSON = ContextClassLoader.get(ReplyEventJson.class.getClassLoader(),
            JsonProvider::provider);

    private ReplyEventJson() {
    }

    public static JsonObject toJson(ReplyEvent event) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (event instanceof ReplyEvent.Text text) {
            json.add("type", "text").add("delta", text.delta());
        } else if (event instanceof ReplyEvent.Reasoning reasoning) {
            json.add("type", "reasoning").add("delta", reasoning.delta());
        } else if (event instanceof ReplyEvent.ToolCall call) {
            json.add("type", "tool_call").add("callId", call.callId()).add("tool", call.tool())
                    .add("argumentsDelta", call.argumentsDelta());
        } else if (event instanceof ReplyEvent.ToolResult result) {
            json.add("type", "tool_result").add("callId", result.callId()).add("status", result.status())
                    .add("result", result.result()).add("durationMs", result.durationMs());
        } else if (event instanceof ReplyEvent.Usage usage) {
            addIfKnown(json, "model", usage.model());
            addIfKnown(json, "finishReason", usage.finishReason());
            if (usage.inputTokens() != null) {
                json.add("inputTokens", usage.inputTokens());
            }
            if (usage.outputTokens() != null) {
                json.add("outputTokens", usage.outputTokens());
            }
        }
        return json.build();
    }

    public static String write(ReplyEvent event) {
        return toJson(event).toString();
    }

    /** The event {@code json} holds, or null when it holds none this version knows. */
    public static ReplyEvent fromJson(JsonObject json) {
        try {
            return switch (json.getString("type", "")) {
                case "text" -> new ReplyEvent.Text(json.getString("delta"));
                case "reasoning" -> new ReplyEvent.Reasoning(json.getString("delta"));
                case "tool_call" -> new ReplyEvent.ToolCall(json.getString("callId"), json.getString("tool"),
                        json.getString("argumentsDelta"));
                case "tool_result" -> new ReplyEvent.ToolResult(json.getString("callId"),
                        "ok".equals(json.getString("status")), json.getString("result"),
                        json.getJsonNumber("durationMs").longValue());
                default -> null;
            };
        } catch (ClassCastException | NullPointerException e) {
            return null;
        }
    }

    /** The event {@code text} holds, or null when it is not one. */
    public static ReplyEvent read(String text) {
        JsonObject json = object(text);
        return json == null ? null : fromJson(json);
    }

    /** The usage {@code json} holds (null for none). */
    public static ReplyEvent.Usage usage(JsonObject json) {
        if (json == null) {
            return null;
        }
        return new ReplyEvent.Usage(json.getString("model", null), intOrNull(json, "inputTokens"),
                intOrNull(json, "outputTokens"), json.getString("finishReason", null));
    }

    /** The JSON object {@code text} is, or null when it is not one. */
    public static JsonObject object(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    /** A builder of the same provider, for callers that wrap events in objects of their own. */
    public static JsonProvider provider() {
        return JSON;
    }

    private static void addIfKnown(JsonObjectBuilder json, String name, String value) {
        if (value != null) {
            json.add(name, value);
        }
    }

    private static Integer intOrNull(JsonObject json, String name) {
        return json.get(name) instanceof JsonNumber number ? number.intValue() : null;
    }
}
