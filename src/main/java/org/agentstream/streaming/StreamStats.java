package org.agentstream.streaming;

/** Counters an operator (or a test) reads to see what the streaming core is doing. */
public record StreamStats(int activeStreams, long started, long completed, long cancelled, long failed,
        long disconnected, long busy) {
}
