package org.agentstream.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Flow;
import org.agentstream.timing.StepTimer;

/**
 * Stands in for a remote language model: a long reply (several dozen word chunks) that arrives with a natural,
 * settable gap between tokens. Waiting for the next token is a step on the streaming core's timer, not a thread.
 */
@ApplicationScoped
@AgentName("simulated-model")
public class SimulatedModelAgent implements Agent {

    private static final String[] WORDS = ("Streaming a reply means every token should reach the reader when the "
            + "model produced it. Proxies, buffers and batching transports like to hold small frames back and "
            + "release them together, so a reply that was written over seconds appears in one instant. Flushing "
            + "each chunk and keeping a small pause between sends lets the reader watch the answer grow, which "
            + "is the whole point of streaming in the first place.").split(" ");

    @Inject
    private StepTimer timer;

    @Inject
    private SimulatedModelSettings settings;

    @Override
    public String description() {
        return "Stands in for a remote model: a long answer, one word per natural gap.";
    }

    @Override
    public Flow.Publisher<String> reply(AgentRequest request) {
        int words = Math.max(1, settings.words());
        Iterator<String> tokens = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < words;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String word = WORDS[next % WORDS.length];
                next++;
                return next == words ? word : word + " ";
            }
        };
        return ChunkPublisher.paced(tokens, settings.gap(), timer);
    }
}
