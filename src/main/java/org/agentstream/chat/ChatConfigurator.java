package org.agentstream.chat;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import org.agentstream.access.HttpSessions;
import org.agentstream.access.Owners;

/**
 * Records at the handshake who owns a chat connection when nobody is signed in ({@link Owners}), and which HTTP
 * session it was opened with ({@link HttpSessions}), whose end closes it. WebSocket 2.1 makes the user properties
 * seen here a copy per connection, which then become the session's.
 */
public class ChatConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Owners.recordAnonymous(request.getHeaders(), config.getUserProperties());
        HttpSessions.record(request, config.getUserProperties());
    }
}
