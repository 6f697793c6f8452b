package org.agentstream.chat;

import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;
import org.agentstream.timing.ContextClassLoader;

/**
 * The only code that touches {@link RemoteEndpoint.Basic}: send the text, then flush it out of any batch.
 *
 * <p>The send runs with the platform class loader as the thread's context class loader. Payara's Tyrus re-arms the
 * session's idle timer on its managed scheduled executor for every frame sent, even with no idle timeout, and each
 * such task captures context by a {@link java.util.ServiceLoader} scan of the context class loader: with the
 * application's loader that scan reads every jar the application sees, most of the CPU of a send in a JFR profile.
 * Writing text needs no class from the application, so the send does not offer it (see {@link ContextClassLoader}).
 */
final class WebSocketTransport implements FrameTransport {

    private final RemoteEndpoint.Basic remote;
    private final boolean flush;

    WebSocketTransport(RemoteEndpoint.Basic remote, boolean flush) {
        this.remote = remote;
        this.flush = flush;
    }

    @Override
    public void send(String text) throws IOException {
        ContextClassLoader.with(ContextClassLoader.PLATFORM, () -> {
            remote.sendText(text);
            if (flush) {
                remote.flushBatch();
            }
        });
    }
}
