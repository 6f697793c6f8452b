package org.agentstream.agent.openai;

import java.time.Duration;
import org.agentstream.agent.tools.AgentTools;

/**
 * One remote-model agent as its settings define it when a reply starts. {@code apiKey}, {@code temperature} and
 * {@code systemPrompt} may be null; {@code historyTurns} is how many earlier turns of the conversation it is sent;
 * {@code tools} are the tools it is offered and the bounds on their calls.
 * The key never appears in {@link #toString()}.
 */
public record OpenAiAgentConfig(String name, String baseUrl, String model, String apiKey, Double temperature,
        String systemPrompt, Duration stallTimeout, String description, int historyTurns, AgentTools tools) {

    @Override
    public String toString() {
        return "OpenAiAgentConfig[name=" + name + ", baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "***") + ", temperature=" + temperature + ", stallTimeout="
                + stallTimeout + ", historyTurns=" + historyTurns + ", tools=" + tools + "]";
    }
}
