package org.agentstream.chat;

import jakarta.enterprise.context.ApplicationScoped;
import org.agentstream.config.ServerConfig;

/** Settings of the chat endpoint, read when a connection opens. */
@ApplicationScoped
public class ChatSettings {

    /** Frames larger than this (UTF-8 bytes) get a {@code too_large} error. */
    public int maxFrameBytes() {
        return Math.max(256, ServerConfig.getInt("agentstream.chat.max-frame-bytes", 64 * 1024));
    }
}
