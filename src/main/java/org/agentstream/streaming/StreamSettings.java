package org.agentstream.streaming;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Streaming settings, read when a reply starts so that a change applies to the next reply without a redeploy.
 * Today they come from system properties (which both servers' consoles can set); defaults are in code.
 */
@ApplicationScoped
public class StreamSettings {

    /** A snapshot taken for one reply. */
    public record Values(Duration pause, int maxStreams, int maxStreamsPerConnection, int bufferChunks) {
    }

    public Values current() {
        return new Values(
                Duration.ofMillis(Long.getLong("agentstream.stream.pause-ms", 10)),
                Integer.getInteger("agentstream.stream.max-streams", 4000),
                Integer.getInteger("agentstream.stream.max-streams-per-connection", 16),
                Integer.getInteger("agentstream.stream.buffer-chunks", 32));
    }
}
