package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Flow;

/**
 * Shows that agents see the conversation without a model: says how many earlier turns it was given and quotes the
 * first thing the user said, word by word like {@link EchoAgent}.
 */
@ApplicationScoped
@AgentName("recall")
public class RecallAgent implements Agent {

    @Override
    public String description() {
        return "Tells how many earlier turns of the conversation it was given and quotes your first message.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        String answer = request.history().stream().filter(turn -> "user".equals(turn.role())).findFirst()
                .map(first -> "I was given " + request.history().size() + " earlier turns. The first thing you said "
                        + "was: \"" + first.content() + "\".")
                .orElse("I was given no earlier turns.");
        return ChunkPublisher.words(answer);
    }
}
