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
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentRequest;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.StreamingService;

/**
 * The chat WebSocket, one instance per connection. It parses and checks each frame, answers bad input with an
 * error frame (the connection stays open), and hands messages to the {@link StreamingService}.
 */
@ServerEndpoint("/chat")
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    /** Frames this many times over the limit are refused by the container itself (close code 1009). */
    private static final int TRANSPORT_LIMIT_FACTOR = 16;

    @Inject
    private AgentDirectory agents;

    @Inject
    private StreamingService streaming;

    @Inject
    private FrameCodec codec;

    @Inject
    private ChatSettings settings;

    private SessionOutbox outbox;
    private ConnectionStreams streams;
    private int maxFrameBytes;

    @OnOpen
    public void open(Session session) {
        maxFrameBytes = settings.maxFrameBytes();
        session.setMaxTextMessageBufferSize((int) Math.min(Integer.MAX_VALUE,
                (long) maxFrameBytes * TRANSPORT_LIMIT_FACTOR));
        outbox = new SessionOutbox(new WebSocketTransport(session.getBasicRemote()), streaming.sendExecutor(), codec);
        streams = new ConnectionStreams();
    }

    @OnMessage
    public void receive(String text) {
        if (text.length() > maxFrameBytes || text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
            outbox.send(new OutboundFrame.Error(null, ErrorCode.TOO_LARGE,
                    "frames are limited to " + maxFrameBytes + " bytes"));
            return;
        }
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

    @OnClose
    public void close(Session session, CloseReason reason) {
        outbox.close();
        streams.disconnect();
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.log(Level.FINE, "WebSocket error on " + session.getId(), failure);
    }
}
