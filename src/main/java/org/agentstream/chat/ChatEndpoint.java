package org.agentstream.chat;

import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.agentstream.access.AccessSettings;
import org.agentstream.access.CloseReasons;
import org.agentstream.access.OwnerConnections;
import org.agentstream.access.Owners;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.turns.ChatConnection;
import org.agentstream.turns.ChatTurns;
import org.agentstream.wire.ErrorCode;
import org.agentstream.wire.FrameCodec;
import org.agentstream.wire.InboundFrame;
import org.agentstream.wire.OutboundFrame;

/**
 * The chat WebSocket, one instance per connection: a thin adapter that decodes each frame and hands it to
 * {@link ChatTurns}, whose answers leave through the connection's {@link SessionOutbox}. Bad input gets one error
 * frame and the connection stays open; whatever goes wrong while a frame is handled ends in an error frame, never
 * in a silent stall.
 */
@ServerEndpoint(value = "/chat", configurator = ChatConfigurator.class)
public class ChatEndpoint {

    @Inject
    private ChatTurns turns;

    @Inject
    private FrameCodec codec;

    @Inject
    private ChatSettings settings;

    @Inject
    private AccessSettings access;

    @Inject
    private StreamSettings streamSettings;

    @Inject
    private SlowClients slowClients;

    @Inject
    private ClientWarnings warnings;

    @Inject
    private OwnerConnections connections;

    @Inject
    private ChatMeters meters;

    private String connectionId;
    private ChatConnection connection;
    private SessionOutbox outbox;
    private FrameAssembler frame;
    private volatile boolean warned;

    /**
     * Opens the connection for its owner, or closes it at once (1008) when nobody is signed in and sign-in is
     * required (the handshake's SignInFilter refuses that first). When the owner has the most connections open that
     * one may, their oldest one is closed (1008 {@code too_many_connections}).
     */
    @OnOpen
    public void open(Session session) throws IOException {
        connectionId = session.getId();
        frame = new FrameAssembler(settings.maxFrameBytes());
        long idleTimeoutMs = settings.idleTimeoutMs();
        if (session.getMaxIdleTimeout() != idleTimeoutMs) {
            // only when it changes: Payara's Tyrus schedules a managed task for each call (see WebSocketTransport)
            session.setMaxIdleTimeout(idleTimeoutMs);
        }
        outbox = new SessionOutbox(new WebSocketTransport(session.getBasicRemote(), streamSettings.flush()), codec,
                meters);
        connection = ChatConnection.of(Owners.of(session), outbox);
        slowClients.opened(session, outbox);
        if (session.getUserPrincipal() == null && access.signInRequired()) {
            session.close(CloseReasons.SIGN_IN_REQUIRED);
            return;
        }
        Optional<Session> oldest = connections.open(connection.owner(), session, access.maxConnectionsPerUser());
        if (oldest.isPresent()) {
            oldest.get().close(CloseReasons.TOO_MANY_CONNECTIONS);
        }
    }

    /** Receives a text frame in parts (see {@link FrameAssembler}) and answers it once it is whole. */
    @OnMessage
    public void receive(String part, boolean last) {
        try {
            frame.add(part);
            if (!last) {
                return;
            }
            boolean tooLarge = frame.tooLarge();
            String text = frame.take();
            if (tooLarge) {
                refuse(null, ErrorCode.TOO_LARGE, "frames are limited to " + frame.maxBytes() + " bytes");
            } else {
                handle(text);
            }
        } catch (RuntimeException | Error failure) {
            failed(null, failure);
        }
    }

    /** Binary frames are not part of the protocol: each gets one error frame once it ends; nothing is kept. */
    @OnMessage
    public void receive(ByteBuffer part, boolean last) {
        if (last) {
            refuse(null, ErrorCode.BAD_FRAME, "binary frames are not part of the protocol; send JSON text frames");
        }
    }

    private void handle(String text) {
        InboundFrame inbound;
        try {
            inbound = codec.decode(text);
        } catch (FrameCodec.BadFrame bad) {
            refuse(bad.replyTo(), ErrorCode.BAD_FRAME, bad.getMessage());
            return;
        }
        turns.handle(connection, inbound).whenComplete((answered, failure) -> {
            if (failure != null) {
                failed(inbound.id(), failure instanceof CompletionException ? failure.getCause() : failure);
            }
        });
    }

    /** Bad input: one error frame, and the connection's first problem is logged as a warning. */
    private void refuse(String replyTo, ErrorCode code, String message) {
        misbehaved(code.wireName() + ": " + message, null);
        outbox.send(new OutboundFrame.Error(replyTo, code, message));
    }

    /**
     * A bug of ours, or a failure of a library or the database, while handling a frame: the client is told (with the
     * frame's id when it is known), and the connection goes on.
     */
    private void failed(String replyTo, Throwable failure) {
        misbehaved("handling a frame failed", failure);
        outbox.send(new OutboundFrame.Error(replyTo, ErrorCode.INTERNAL_ERROR,
                "the server failed to handle the frame; the connection goes on"));
    }

    private void misbehaved(String what, Throwable failure) {
        warnings.misbehaved(connectionId, !warned, what, failure);
        warned = true;
    }

    /**
     * A client that closes normally (1000), or is closed because its user signed out or the HTTP session it was
     * opened with ended, is done with its replies: they stop now. Any other end (a lost network, a reload, a
     * timeout) leaves them going for the resume window, for a new connection to resume.
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        connections.closed(connection.owner(), session);
        slowClients.closed(session);
        boolean done = reason != null && (reason.getCloseCode().getCode() == CloseReason.CloseCodes.NORMAL_CLOSURE
                .getCode() || CloseReasons.isSignedOut(reason));
        if (done) {
            connection.streams().disconnect();
            outbox.close();
        } else {
            outbox.close();
            connection.streams().detach();
        }
    }

    /**
     * The container's report of a failure on the connection. A client that went away (an I/O error) is routine;
     * anything else is logged like bad input.
     */
    @OnError
    public void error(Session session, Throwable failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        warnings.misbehaved(session.getId(), cause == null && !warned, "the container reported an error", failure);
        warned |= cause == null;
    }
}
