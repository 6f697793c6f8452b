package org.agentstream.agent.openai;

import java.util.concurrent.Flow;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ModelObserver;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.tools.ToolDirectory;
import org.agentstream.timing.StepTimer;

/**
 * An agent backed by an OpenAI-compatible chat-completions endpoint, streamed through LangChain4j. It holds only
 * its name: its settings are read when it describes itself and when a reply starts.
 */
final class OpenAiAgent implements Agent {

    private static final Logger LOG = Logger.getLogger(OpenAiAgent.class.getName());

    private final String name;
    private final OpenAiAgentSettings settings;
    private final ModelHttpClient http;
    private final StepTimer timer;
    private final ModelObserver.Factory observers;
    private final ToolDirectory tools;

    OpenAiAgent(String name, OpenAiAgentSettings settings, ModelHttpClient http, StepTimer timer,
            ModelObserver.Factory observers, ToolDirectory tools) {
        this.name = name;
        this.settings = settings;
        this.http = http;
        this.timer = timer;
        this.observers = observers;
        this.tools = tools;
    }

    @Override
    public String description() {
        return settings.agent(name).map(OpenAiAgentConfig::description).orElse("Remote model (no longer configured).");
    }

    @Override
    public Flow.Publisher<ReplyEvent> reply(AgentRequest request) {
        OpenAiAgentConfig config = settings.agent(name).orElseThrow(() -> new AgentFailure(
                AgentFailure.Kind.AGENT_FAILED, "the agent \"" + name + "\" is no longer configured"));
        LOG.log(Level.FINE, "Remote-model reply: {0}", config);
        return new ModelReply(config, request, http::connection, timer, System::nanoTime,
                observers.call(name, config.model()), tools.offer(config.tools().names(), request.conversationId()));
    }
}
