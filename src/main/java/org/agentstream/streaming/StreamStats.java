package org.agentstream.streaming;

/**
 * Counters an operator (or a test) reads to see what the streaming core is doing. {@code resumable}: replies a
 * client could resume now (streaming, or ended less than the resume window ago); {@code resumed}: resumes so far.
 */
public record StreamStats(int activeStreams, long started, long completed, long cancelled, long failed,
        long disconnected, long busy, int resumable, long resumed) {
}
