package org.agentstream.chat;

import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;

/** The only code that touches {@link RemoteEndpoint.Basic}: send the text, then flush it out of any batch. */
final class WebSocketTransport implements FrameTransport {

    private final RemoteEndpoint.Basic remote;

    WebSocketTransport(RemoteEndpoint.Basic remote) {
        this.remote = remote;
    }

    @Override
    public void send(String text) throws IOException {
        remote.sendText(text);
        remote.flushBatch();
    }
}
