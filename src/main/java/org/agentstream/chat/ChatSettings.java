package org.agentstream.chat;

import jakarta.enterprise.context.ApplicationScoped;
import org.agentstream.config.ServerConfig;

/** Settings of the chat connection itself (frames, timeouts), read when a connection opens or a send blocks. */
@ApplicationScoped
public class ChatSettings {

    /**
     * Milliseconds one send may stay blocked on a client that does not read before its connection is closed.
     */
    public long sendTimeoutMs() {
        return Math.max(100, ServerConfig.getLong("agentstream.chat.send-timeout-ms", 10_000));
    }

    /** Milliseconds a connection may stay silent before the server closes it; 0 (the default) never does. */
    public long idleTimeoutMs() {
        return Math.max(0, ServerConfig.getLong("agentstream.chat.idle-timeout-ms", 0));
    }

    /** Frames larger than this (UTF-8 bytes) get a {@code too_large} error. */
    public int maxFrameBytes() {
        return Math.max(256, ServerConfig.getInt("agentstream.chat.max-frame-bytes", 64 * 1024));
    }
}
