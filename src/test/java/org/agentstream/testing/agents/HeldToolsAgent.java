package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.BufferedReply;
import org.agentstream.agent.ReplyEvent;

/**
 * A test agent whose reply calls the {@code clock} tool (its arguments in two pieces, then its result) and then
 * holds, like {@code held}, until the test releases it; then it answers in a few words. A test can so cut, reload or
 * resume a reply of tool frames at a moment of its choosing, however slow the machine is.
 */
@ApplicationScoped
@AgentName("held-tools")
public class HeldToolsAgent implements Agent {

    /** The frames before the hold: two pieces of the call and its result. */
    static final int BEFORE_HOLD = 3;

    @Inject
    private HeldReplies held;

    @Override
    public String description() {
        return "Test agent: calls the clock, then holds its reply until the test releases it, then answers.";
    }

    @Override
    public Flow.Publisher<Object> reply(AgentRequest request) {
        List<ReplyEvent> events = List.of(new ReplyEvent.ToolCall("call_held", "clock", "{\"zone\""),
                new ReplyEvent.ToolCall("call_held", "clock", ": \"UTC\"}"),
                new ReplyEvent.ToolResult("call_held", true, "2026-12-05T12:00:00Z", 1),
                new ReplyEvent.Text("It "), new ReplyEvent.Text("is "), new ReplyEvent.Text("noon "),
                new ReplyEvent.Text("(UTC)."), new ReplyEvent.Usage("held-tools", null, 4, "stop"));
        AtomicReference<BufferedReply<ReplyEvent>> reply = new AtomicReference<>();
        reply.set(new BufferedReply<>(() -> {
            events.forEach(reply.get()::emit);
            reply.get().complete();
        }, () -> { }));
        return held.hold(reply.get(), BEFORE_HOLD);
    }
}
