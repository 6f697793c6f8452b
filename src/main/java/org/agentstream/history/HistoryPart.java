package org.agentstream.history;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import org.agentstream.agent.ReplyEvent;

/**
 * One part of a stored reply as the {@code history} frame returns it, in the order the reply streamed: its text,
 * its reasoning, a tool call (its whole arguments) or a tool's result. Consecutive pieces of one kind (of one call)
 * are joined; fields that do not apply to a kind are absent.
 */
@JsonbPropertyOrder({"type", "text", "callId", "tool", "arguments", "status", "result", "durationMs"})
public record HistoryPart(String type, String text, String callId, String tool, String arguments, String status,
        String result, Long durationMs) {

    /** The parts of {@code reply}, or null when it is text alone (the entry's {@code content} says it all). */
    static List<HistoryPart> of(ReplyText reply) {
        if (reply.events().isEmpty()) {
            return null;
        }
        List<HistoryPart> parts = new ArrayList<>();
        for (int seq = 0; seq < reply.chunks(); seq++) {
            ReplyEvent event = reply.event(seq);
            HistoryPart last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
            HistoryPart part = part(event);
            if (part == null) {
                continue;
            }
            if (last != null && last.joins(part)) {
                parts.set(parts.size() - 1, last.join(part));
            } else {
                parts.add(part);
            }
        }
        return List.copyOf(parts);
    }

    private static HistoryPart part(ReplyEvent event) {
        if (event instanceof ReplyEvent.Text text) {
            return text.delta().isEmpty() ? null : new HistoryPart("text", text.delta(), null, null, null, null, null,
                    null);
        }
        if (event instanceof ReplyEvent.Reasoning reasoning) {
            return new HistoryPart("reasoning", reasoning.delta(), null, null, null, null, null, null);
        }
        if (event instanceof ReplyEvent.ToolCall call) {
            return new HistoryPart("tool_call", null, call.callId(), call.tool(), call.argumentsDelta(), null, null,
                    null);
        }
        if (event instanceof ReplyEvent.ToolResult result) {
            return new HistoryPart("tool_result", null, result.callId(), null, null, result.status(), result.result(),
                    result.durationMs());
        }
        return null;
    }

    private boolean joins(HistoryPart next) {
        return type.equals(next.type) && switch (type) {
            case "text", "reasoning" -> true;
            case "tool_call" -> callId.equals(next.callId);
            default -> false;
        };
    }

    private HistoryPart join(HistoryPart next) {
        return type.equals("tool_call")
                ? new HistoryPart(type, null, callId, tool, arguments + next.arguments, null, null, null)
                : new HistoryPart(type, text + next.text, null, null, null, null, null, null);
    }
}
