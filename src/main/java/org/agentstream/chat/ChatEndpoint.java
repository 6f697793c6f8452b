package org.agentstream.chat;

import jakarta.inject.Inject;
import jakarta.json.bind.JsonbException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentRequest;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamingService;

/**
 * The chat WebSocket, one instance per connection. It parses and checks each frame, answers bad input with an
 * error frame (the connection stays open), and hands messages to the {@link StreamingService}.
 */
@ServerEndpoint("/chat")
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    private AgentDirectory agents;

    @Inject
    private StreamingService streaming;

    @Inject
    private FrameCodec codec;

    @Inject
    private ChatSettings settings;

    @Inject
    private StreamSettings streamSettings;

    @Inject
    private SlowClients slowClients;

    private SessionOutbox outbox;
    private ConnectionStreams streams;
    private int maxFrameBytes;
    private final StringBuilder partial = new StringBuilder();
    private long partialBytes;

    @OnOpen
    public void open(Session session) {
        maxFrameBytes = settings.maxFrameBytes();
        session.setMaxIdleTimeout(settings.idleTimeoutMs());
        outbox = new SessionOutbox(new WebSocketTransport(session.getBasicRemote(), streamSettings.flush()), codec);
        streams = new ConnectionStreams();
        slowClients.opened(session, outbox);
    }

    /**
     * Receives a frame in parts, so an oversized frame is never held in memory whole: past the limit its parts are
     * counted and dropped, and the client gets {@code too_large} once the frame ends.
     */
    @OnMessage
    public void receive(String part, boolean last) {
        if (partialBytes <= maxFrameBytes) {
            partialBytes += utf8Length(part);
            if (partialBytes <= maxFrameBytes) {
                partial.append(part);
            } else {
                partial.setLength(0);
                partial.trimToSize();
            }
        }
        if (!last) {
            return;
        }
        boolean tooLarge = partialBytes > maxFrameBytes;
        String text = partial.toString();
        partial.setLength(0);
        partialBytes = 0;
        if (tooLarge) {
            outbox.send(new OutboundFrame.Error(null, ErrorCode.TOO_LARGE,
                    "frames are limited to " + maxFrameBytes + " bytes"));
        } else {
            handle(text);
        }
    }

    private void handle(String text) {
        InboundFrame frame;
        try {
            frame = codec.decode(text);
        } catch (JsonbException e) {
            outbox.send(new OutboundFrame.Error(null, ErrorCode.BAD_FRAME, "not a JSON object: " + e.getMessage()));
            return;
        }
        String problem = frame.problem();
        if (problem != null) {
            outbox.send(new OutboundFrame.Error(frame.id(), ErrorCode.BAD_FRAME, problem));
            return;
        }
        switch (frame.type()) {
            case "message" -> message(frame);
            case "cancel" -> cancel(frame);
            case "agents" -> outbox.send(new OutboundFrame.Agents(agents.list()));
            default -> throw new IllegalStateException("problem() accepts no other type: " + frame.type());
        }
    }

    private void message(InboundFrame frame) {
        agents.find(frame.agent()).ifPresentOrElse(
                agent -> streaming.start(streams, outbox, frame.id(), frame.agent(),
                        () -> agent.reply(new AgentRequest(frame.content(), frame.conversationId()))),
                () -> outbox.send(new OutboundFrame.Error(frame.id(), ErrorCode.UNKNOWN_AGENT,
                        "no agent is named \"" + frame.agent() + "\"")));
    }

    private void cancel(InboundFrame frame) {
        if (!streams.cancel(frame.messageId())) {
            outbox.send(new OutboundFrame.Error(frame.id(), frame.messageId(), ErrorCode.UNKNOWN_MESSAGE,
                    "no reply \"" + frame.messageId() + "\" is streaming on this connection", null));
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        slowClients.closed(session);
        outbox.close();
        streams.disconnect();
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.log(Level.FINE, "WebSocket error on " + session.getId(), failure);
    }
}
