package org.agentstream.chat;

import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;

/** The only code that touches {@link RemoteEndpoint.Basic}: send the text, then flush it out of any batch. */
final class WebSocketTransport implements FrameTransport {

    private final RemoteEndpoint.Basic remote;
    private final boolean flush;

    WebSocketTransport(RemoteEndpoint.Basic remote, boolean flush) {
        this.remote = remote;
        this.flush = flush;
    }

    @Override
    public void send(String text) throws IOException {
        remote.sendText(text);
        if (flush) {
            remote.flushBatch();
        }
    }
}
