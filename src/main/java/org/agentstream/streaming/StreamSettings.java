package org.agentstream.streaming;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.agentstream.config.ServerConfig;

/** Streaming settings, read when a reply starts so that a change applies to the next reply without a redeploy. */
@ApplicationScoped
public class StreamSettings {

    /**
     * A snapshot taken for one reply. {@code maxStreamsPerUser}: replies one owner (a user, or an anonymous owner
     * key) may stream at once over all of their connections.
     * {@code maxReply}: how long a reply may run in all; zero for no bound. {@code maxLag}: how far the timer may run
     * behind its schedule before new replies get {@code busy}; zero for no such rule. {@code resumeWindow}: how long
     * a reply goes on after its connection is lost, for a client to resume it; zero ends it at once.
     * {@code resumeMaxChunks}: how many chunks it makes meanwhile before its agent waits.
     */
    public record Values(Duration pause, int maxStreams, int maxStreamsPerConnection, int maxStreamsPerUser,
            int bufferChunks, Duration maxReply, Duration maxLag, Duration resumeWindow, int resumeMaxChunks) {

        ReplyStream.Resumption resumption() {
            return resumeWindow.isZero() ? ReplyStream.Resumption.NONE
                    : new ReplyStream.Resumption(resumeWindow.toNanos(), resumeMaxChunks);
        }
    }

    /** A week: a longer bound (of a reply, or of the lag) is no bound that matters, and keeps nanoseconds in range. */
    private static final long MAX_REPLY_MS_CEILING = Duration.ofDays(7).toMillis();

    /** The JNDI name of the managed scheduled executor to stream on, if the admin named one (read at deployment). */
    public Optional<String> executorJndiName() {
        return ServerConfig.getString("agentstream.executor.jndi-name");
    }

    /** How many lanes of the timer send chunks, at most this many sends at once (read at deployment). */
    public int executorLanes() {
        return Math.max(1,
                ServerConfig.getInt("agentstream.executor.lanes", Runtime.getRuntime().availableProcessors()));
    }

    /** Whether machines other than this one may read {@code /status} (read per request). */
    public boolean statusForOtherMachines() {
        return ServerConfig.getBoolean("agentstream.status.remote", false);
    }

    /**
     * Whether each frame is flushed out of the container's send batch right after it is sent, so it leaves at once
     * (read when a connection opens).
     */
    public boolean flush() {
        return ServerConfig.getBoolean("agentstream.stream.flush", true);
    }

    public Values current() {
        return new Values(
                Duration.ofMillis(Math.max(0, ServerConfig.getLong("agentstream.stream.pause-ms", 10))),
                ServerConfig.getInt("agentstream.stream.max-streams", 2000),
                ServerConfig.getInt("agentstream.stream.max-streams-per-connection", 16),
                ServerConfig.getInt("agentstream.stream.max-streams-per-user", 32),
                Math.max(1, ServerConfig.getInt("agentstream.stream.buffer-chunks", 32)),
                Duration.ofMillis(Math.min(MAX_REPLY_MS_CEILING,
                        Math.max(0, ServerConfig.getLong("agentstream.stream.max-reply-ms", 600_000)))),
                Duration.ofMillis(Math.min(MAX_REPLY_MS_CEILING,
                        Math.max(0, ServerConfig.getLong("agentstream.stream.max-lag-ms", 0)))),
                Duration.ofMillis(Math.min(MAX_REPLY_MS_CEILING,
                        Math.max(0, ServerConfig.getLong("agentstream.stream.resume-window-ms", 30_000)))),
                Math.max(1, ServerConfig.getInt("agentstream.stream.resume-max-chunks", 2_000)));
    }
}
