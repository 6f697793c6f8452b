package org.agentstream.chat;

import java.io.IOException;

/** Writes one text frame to a client and flushes it; the one seam between the outbox and the container. */
public interface FrameTransport {
    void send(String text) throws IOException;
}
