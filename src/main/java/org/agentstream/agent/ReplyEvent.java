package org.agentstream.agent;

import java.util.Objects;

/**
 * One event of an agent's reply, in the order the agent made it: a piece of its text, of its reasoning, of a tool
 * call's arguments, a tool's result, and (once, at the end) what the model used. Every kind but {@link Usage} goes to
 * the client as a frame of its own, paced like text; usage goes out with the reply's end.
 */
public sealed interface ReplyEvent {

    /** A piece of the reply's text. */
    record Text(String delta) implements ReplyEvent {
        public Text {
            delta = delta == null ? "" : delta;
        }
    }

    /** A piece of the model's reasoning, shown apart from the text and never given back to the agent. */
    record Reasoning(String delta) implements ReplyEvent {
        public Reasoning {
            delta = delta == null ? "" : delta;
        }
    }

    /**
     * A piece of a tool call: the call's id, its tool, and the next piece of its arguments (JSON text, as the model
     * makes it). A call's pieces come in order; the arguments are their concatenation.
     */
    record ToolCall(String callId, String tool, String argumentsDelta) implements ReplyEvent {
        public ToolCall {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(tool, "tool");
            argumentsDelta = argumentsDelta == null ? "" : argumentsDelta;
        }
    }

    /** What a tool call gave: its result, or ({@code ok} false) why it failed; and how long it ran. */
    record ToolResult(String callId, boolean ok, String result, long durationMs) implements ReplyEvent {
        public ToolResult {
            Objects.requireNonNull(callId, "callId");
            result = result == null ? "" : result;
        }

        /** {@code ok} or {@code error}, as the wire names it. */
        public String status() {
            return ok ? "ok" : "error";
        }
    }

    /** What the model used for the whole reply, when it says; any part may be null. */
    record Usage(String model, Integer inputTokens, Integer outputTokens, String finishReason) implements ReplyEvent {
    }
}
