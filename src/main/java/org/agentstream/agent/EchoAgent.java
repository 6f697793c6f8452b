package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Flow;

/**
 * Replies with the user's own text, word by word with its whitespace kept, all produced at once: the reply that
 * used to reach browsers in one batch unless every chunk is flushed and paced.
 */
@ApplicationScoped
@AgentName("echo")
public class EchoAgent implements Agent {

    @Override
    public String description() {
        return "Echoes your message back word by word, instantly (no gap of its own).";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        return ChunkPublisher.words(request.content());
    }
}
