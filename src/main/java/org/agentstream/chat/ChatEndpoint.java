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
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentRequest;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.ReplyText;
import org.agentstream.history.StoredReply;
import org.agentstream.history.UserTurn;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.EndedReply;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamingService;
import org.agentstream.access.AccessSettings;
import org.agentstream.access.CloseReasons;
import org.agentstream.access.Owners;
import org.agentstream.access.MessageRate;
import org.agentstream.access.OwnerConnections;
import org.agentstream.access.SignInFilter;
import org.agentstream.wire.ErrorCode;
import org.agentstream.wire.FrameCodec;
import org.agentstream.wire.InboundFrame;
import org.agentstream.wire.OutboundFrame;
import org.agentstream.wire.WireTime;

/**
 * The chat WebSocket, one instance per connection. It checks each frame, answers bad input with one error frame
 * (the connection stays open), and hands messages to the {@link StreamingService}. Whatever goes wrong while a frame
 * is handled ends in an error frame, never in a silent stall.
 */
@ServerEndpoint(value = "/chat", configurator = ChatConfigurator.class)
public class ChatEndpoint {

    @Inject
    private AgentDirectory agents;

    @Inject
    private StreamingService streaming;

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
    private ConversationHistory history;

    @Inject
    private OwnerConnections connections;

    @Inject
    private MessageRate messageRate;

    private String connectionId;
    private String owner;
    private SessionOutbox outbox;
    private ConnectionStreams streams;
    private FrameAssembler frame;
    private volatile boolean warned;

    /**
     * Opens the connection for its owner, or closes it at once (1008) when nobody is signed in and sign-in is
     * required (the handshake's {@link SignInFilter} refuses that first). When the owner has the most connections
     * open that one may, their oldest one is closed (1008 {@code too_many_connections}).
     */
    @OnOpen
    public void open(Session session) throws IOException {
        connectionId = session.getId();
        owner = Owners.of(session);
        frame = new FrameAssembler(settings.maxFrameBytes());
        session.setMaxIdleTimeout(settings.idleTimeoutMs());
        outbox = new SessionOutbox(new WebSocketTransport(session.getBasicRemote(), streamSettings.flush()), codec);
        streams = new ConnectionStreams(owner, outbox);
        slowClients.opened(session, outbox);
        if (session.getUserPrincipal() == null && access.signInRequired()) {
            session.close(CloseReasons.SIGN_IN_REQUIRED);
        } else {
            Optional<Session> oldest = connections.open(owner, session, access.maxConnectionsPerUser());
            if (oldest.isPresent()) {
                oldest.get().close(CloseReasons.TOO_MANY_CONNECTIONS);
            }
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
        switch (inbound.type()) {
            case "message" -> message(inbound);
            case "cancel" -> cancel(inbound);
            case "resume" -> resume(inbound);
            case "agents" -> outbox.send(new OutboundFrame.Agents(agents.list()));
            case "conversations" -> answer(inbound, history.conversations(owner),
                    list -> outbox.send(new OutboundFrame.Conversations(list)));
            case "history" -> answer(inbound, history.history(owner, inbound.conversationId()),
                    page -> page.ifPresentOrElse(found -> outbox.send(new OutboundFrame.History(found)),
                            () -> unknownConversation(inbound)));
            case "delete_conversation" -> answer(inbound, history.delete(owner, inbound.conversationId()),
                    deleted -> {
                        if (deleted) {
                            outbox.send(new OutboundFrame.ConversationDeleted(inbound.conversationId()));
                        } else {
                            unknownConversation(inbound);
                        }
                    });
            default -> throw new IllegalStateException("decode accepts no other type: " + inbound.type());
        }
    }

    /**
     * Asks the agent once the reply is admitted and the user's message is stored (which reads the conversation's
     * earlier turns for the agent; a new conversation's first message is stored while its reply streams); the reply
     * is stored when it ends, with exactly what was sent.
     */
    private void message(InboundFrame inbound) {
        Optional<Agent> agent = agents.find(inbound.agent());
        if (agent.isEmpty()) {
            outbox.send(new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_AGENT,
                    "no agent is named \"" + inbound.agent() + "\""));
            return;
        }
        streaming.admit(streams, outbox, inbound.id()).ifPresent(admission -> {
            // counted once admitted: a message refused as busy costs the owner nothing of their rate
            OptionalLong wait = messageRate.tryTake(owner, access.maxMessagesPerMinute(), System.nanoTime());
            if (wait.isPresent()) {
                admission.giveBack();
                outbox.send(new OutboundFrame.Error(inbound.id(), null, ErrorCode.RATE_LIMITED, "at most "
                        + access.maxMessagesPerMinute() + " messages a minute; the next one in " + wait.getAsLong()
                        + " ms", wait.getAsLong()));
                return;
            }
            history.addUserMessage(owner, inbound.conversationId(), inbound.agent(), inbound.content(), inbound.id())
                    .whenComplete((stored, failure) -> {
                        if (failure != null || stored.isEmpty()) {
                            admission.giveBack();
                            if (failure != null) {
                                failed(inbound.id(), failure);
                            } else {
                                unknownConversation(inbound);
                            }
                            return;
                        }
                        UserTurn question = stored.get();
                        long startedAt = System.currentTimeMillis();
                        admission.start(inbound.agent(), question.conversationId(),
                                () -> agent.get().reply(new AgentRequest(inbound.content(), question.conversationId(),
                                        question.earlier())),
                                ended -> history.addReply(question, inbound.agent(), replyText(ended),
                                        ended.status().wireName(), ended.messageId(), inbound.id(), startedAt));
                    });
        });
    }

    /** Sends what a stored-conversation request found, or an internal error if the database failed. */
    private <T> void answer(InboundFrame inbound, CompletableFuture<T> found, Consumer<T> send) {
        found.whenComplete((result, failure) -> {
            if (failure != null) {
                failed(inbound.id(), failure);
            } else {
                send.accept(result);
            }
        });
    }

    private void unknownConversation(InboundFrame inbound) {
        outbox.send(new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_CONVERSATION,
                "there is no conversation \"" + inbound.conversationId() + "\""));
    }

    private static ReplyText replyText(EndedReply ended) {
        long[] sentAtMicros = new long[ended.sentNanos().length];
        for (int i = 0; i < sentAtMicros.length; i++) {
            sentAtMicros[i] = WireTime.epochMicros(ended.sentNanos()[i]);
        }
        return new ReplyText(ended.sentText(), ended.chunkEnds(), sentAtMicros);
    }

    private void cancel(InboundFrame inbound) {
        if (!streams.cancel(inbound.messageId())) {
            outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(), ErrorCode.UNKNOWN_MESSAGE,
                    "no reply \"" + inbound.messageId() + "\" is streaming on this connection", null));
        }
    }

    /**
     * Sends a reply on to a client that lost it with its connection: from the streaming core while the reply is
     * held for resuming, else from the stored message; a reply of no one of this owner's is unknown.
     */
    private void resume(InboundFrame inbound) {
        switch (streaming.resume(streams, outbox, inbound.messageId(), inbound.afterSeq())) {
            case RESUMED -> {
                // the outbox sends what the client missed, then the rest
            }
            case ALREADY_HERE -> outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(),
                    ErrorCode.ALREADY_STREAMING, "reply \"" + inbound.messageId()
                            + "\" already streams on this connection; nothing is sent again", null));
            case UNKNOWN -> answer(inbound, history.storedReply(owner, inbound.messageId()),
                    stored -> stored.ifPresentOrElse(found -> replayStored(found, inbound.afterSeq()),
                            () -> outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(),
                                    ErrorCode.UNKNOWN_MESSAGE, "there is no reply \"" + inbound.messageId()
                                            + "\" to resume", null))));
        }
    }

    /** A stored reply, sent on from after the client's last chunk: each chunk as first sent, then its end. */
    private void replayStored(StoredReply stored, int afterSeq) {
        ReplyText text = stored.text();
        for (int seq = afterSeq + 1; seq < text.chunks(); seq++) {
            outbox.replayed(stored.messageId(), seq, text.chunk(seq), WireTime.nanoTime(text.sentAtMicros()[seq]));
        }
        outbox.send(new OutboundFrame.StreamEnd(stored.messageId(), stored.replyTo(), stored.status(), text.chunks()));
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
     * A client that closes normally (1000) is done with its replies: they stop now. Any other end (a lost network,
     * a reload, a timeout) leaves them going for the resume window, for a new connection to resume.
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        connections.closed(owner, session);
        slowClients.closed(session);
        boolean done = reason != null && (reason.getCloseCode().getCode() == CloseReason.CloseCodes.NORMAL_CLOSURE
                .getCode() || CloseReasons.isSignedOut(reason));
        if (done) {
            streams.disconnect();
            outbox.close();
        } else {
            outbox.close();
            streams.detach();
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
