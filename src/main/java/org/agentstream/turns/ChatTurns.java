package org.agentstream.turns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.agentstream.access.AccessSettings;
import org.agentstream.access.MessageRate;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentRequest;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.ReplyText;
import org.agentstream.history.StoredReply;
import org.agentstream.history.UserTurn;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.metrics.ClientVerdict;
import org.agentstream.streaming.Admission;
import org.agentstream.streaming.StreamingService;
import org.agentstream.wire.ErrorCode;
import org.agentstream.wire.InboundFrame;
import org.agentstream.wire.OutboundFrame;
import org.agentstream.wire.WireTime;

/**
 * The chat's use cases, one call per request frame: a chat turn (admit, rate, store the question, read the earlier
 * turns, start the agent, record the reply), cancel, resume, and the stored conversations. Answers go to the
 * connection's outbox; the returned stage fails when the database (or a bug) kept a request from being answered,
 * for the transport to report as it reports any failure.
 */
@ApplicationScoped
public class ChatTurns {

    private static final CompletionStage<Void> ANSWERED = CompletableFuture.completedStage(null);
    /** The rate's key for an owner's requests for stored conversations, beside the key of their messages. */
    private static final String REQUESTS = "requests ";
    /** The rate's key for an owner's timing reports, which may come as often as their messages. */
    private static final String TIMING = "timing ";

    @Inject
    private AgentDirectory agents;

    @Inject
    private StreamingService streaming;

    @Inject
    private ConversationHistory history;

    @Inject
    private MessageRate messageRate;

    @Inject
    private AccessSettings access;

    @Inject
    private TurnRecorder recorder;

    @Inject
    private ChatMeters meters;

    /** Answers one well-formed frame of the protocol on {@code connection}. */
    public CompletionStage<Void> handle(ChatConnection connection, InboundFrame inbound) {
        return switch (inbound.type()) {
            case "message" -> send(connection, inbound);
            case "cancel" -> cancel(connection, inbound);
            case "resume" -> resume(connection, inbound);
            case "agents" -> {
                connection.outbox().send(new OutboundFrame.Agents(agents.list()));
                yield ANSWERED;
            }
            case "conversations", "history", "delete_conversation" ->
                    withinRequestRate(connection, inbound) ? stored(connection, inbound) : ANSWERED;
            case "timing" -> {
                timing(connection, inbound);
                yield ANSWERED;
            }
            default -> throw new IllegalStateException("decode accepts no other type: " + inbound.type());
        };
    }

    /** The owner's stored conversations: the list, one conversation's messages, or its deletion. */
    private CompletionStage<Void> stored(ChatConnection connection, InboundFrame inbound) {
        Outbox outbox = connection.outbox();
        String owner = connection.owner();
        return switch (inbound.type()) {
            case "conversations" -> answer(history.conversations(owner),
                    list -> outbox.send(new OutboundFrame.Conversations(list)));
            case "history" -> answer(history.history(owner, inbound.conversationId()),
                    page -> page.ifPresentOrElse(found -> outbox.send(new OutboundFrame.History(found)),
                            () -> unknownConversation(outbox, inbound)));
            default -> answer(history.delete(owner, inbound.conversationId()), deleted -> {
                if (deleted) {
                    outbox.send(new OutboundFrame.ConversationDeleted(inbound.conversationId()));
                } else {
                    unknownConversation(outbox, inbound);
                }
            });
        };
    }

    /**
     * A chat turn: asks the agent once the reply is admitted and the user's message is stored (which reads the
     * conversation's earlier turns for the agent; a new conversation's first message is stored while its reply
     * streams); what the reply sent is written while it streams, and it is stored when it ends, with exactly what was
     * sent.
     */
    private CompletionStage<Void> send(ChatConnection connection, InboundFrame inbound) {
        Outbox outbox = connection.outbox();
        Optional<Agent> agent = agents.find(inbound.agent());
        if (agent.isEmpty()) {
            outbox.send(new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_AGENT,
                    "no agent is named \"" + inbound.agent() + "\""));
            return ANSWERED;
        }
        Optional<Admission> admitted = streaming.admit(connection.streams(), outbox, inbound.id());
        if (admitted.isEmpty()) {
            return ANSWERED;
        }
        Admission admission = admitted.get();
        // counted once admitted: a message refused as busy costs the owner nothing of their rate
        int perMinute = access.maxMessagesPerMinute();
        OptionalLong wait = messageRate.tryTake(connection.owner(), perMinute, System.nanoTime());
        if (wait.isPresent()) {
            admission.giveBack();
            rateLimited(outbox, inbound.id(), null, perMinute, "messages", wait.getAsLong());
            return ANSWERED;
        }
        return history.addUserMessage(connection.owner(), inbound.conversationId(), inbound.agent(),
                inbound.content(), inbound.id()).handle((stored, failure) -> {
                    if (failure != null || stored.isEmpty()) {
                        admission.giveBack();
                        if (failure != null) {
                            throw new CompletionException(failure);
                        }
                        unknownConversation(outbox, inbound);
                        return null;
                    }
                    start(connection.owner(), admission, agent.get(), inbound, stored.get());
                    return null;
                });
    }

    /** Starts the agent; the reply is stored from its turn when it ends (by another node, if this one dies). */
    private void start(String owner, Admission admission, Agent agent, InboundFrame inbound, UserTurn question) {
        long startedAt = System.currentTimeMillis();
        String turn = question.replyPosition() < 0 ? null
                : recorder.describe(owner, question, inbound.agent(), inbound.id(), startedAt);
        // before the start, which may end the reply at once; a start the stopping server refuses leaves it registered,
        // with nothing sent and so nothing written, until the application is gone
        history.replyStarted(owner, question, inbound.agent(), admission.messageId(), inbound.id(), startedAt,
                () -> TurnRecorder.replyText(admission.sentSoFar()));
        admission.start(inbound.agent(), question.conversationId(),
                () -> agent.reply(new AgentRequest(inbound.content(), question.conversationId(), question.earlier())),
                turn == null ? null : ended -> recorder.record(turn, ended), turn);
    }

    private CompletionStage<Void> cancel(ChatConnection connection, InboundFrame inbound) {
        if (!connection.streams().cancel(inbound.messageId())) {
            connection.outbox().send(new OutboundFrame.Error(inbound.id(), inbound.messageId(),
                    ErrorCode.UNKNOWN_MESSAGE, "no reply \"" + inbound.messageId()
                            + "\" is streaming on this connection", null));
        }
        return ANSWERED;
    }

    /**
     * Sends a reply on to a client that lost it with its connection: from the streaming core while the reply is
     * held for resuming, else from the stored message; a reply of no one of this owner's is unknown.
     */
    private CompletionStage<Void> resume(ChatConnection connection, InboundFrame inbound) {
        Outbox outbox = connection.outbox();
        return switch (streaming.resume(connection.streams(), outbox, inbound.messageId(), inbound.afterSeq())) {
            case RESUMED -> {
                meters.resumed(true);
                yield ANSWERED; // the outbox sends what the client missed, then the rest
            }
            case ALREADY_HERE -> {
                outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(), ErrorCode.ALREADY_STREAMING,
                        "reply \"" + inbound.messageId() + "\" already streams on this connection; nothing is sent"
                                + " again", null));
                yield ANSWERED;
            }
            case UNKNOWN -> !withinRequestRate(connection, inbound) ? ANSWERED
                    : answer(history.storedReply(connection.owner(), inbound.messageId()),
                    stored -> stored.ifPresentOrElse(found -> {
                        meters.resumed(false);
                        replayStored(outbox, found, inbound.afterSeq());
                    },
                            () -> outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(),
                                    ErrorCode.UNKNOWN_MESSAGE, "there is no reply \"" + inbound.messageId()
                                            + "\" to resume", null))));
        };
    }

    /**
     * A client's report of how a reply that ended on this connection arrived: counted once per reply, for replies of
     * no more chunks than it sent, at most as often as its owner may send messages; anything else changes no meter.
     */
    private void timing(ChatConnection connection, InboundFrame inbound) {
        Outbox outbox = connection.outbox();
        int perMinute = access.maxMessagesPerMinute();
        OptionalLong wait = messageRate.tryTake(TIMING + connection.owner(), perMinute, System.nanoTime());
        if (wait.isPresent()) {
            rateLimited(outbox, inbound.id(), inbound.messageId(), perMinute, "timing reports", wait.getAsLong());
            return;
        }
        OptionalInt sent = connection.outbox().claimReport(inbound.messageId(), inbound.chunks());
        if (sent.isEmpty()) {
            outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(), ErrorCode.UNKNOWN_MESSAGE,
                    "no reply \"" + inbound.messageId() + "\" ended on this connection without a timing report", null));
            return;
        }
        if (inbound.chunks() > sent.getAsInt()) {
            outbox.send(new OutboundFrame.Error(inbound.id(), inbound.messageId(), ErrorCode.BAD_FRAME,
                    "reply \"" + inbound.messageId() + "\" sent " + sent.getAsInt() + " chunks, not "
                            + inbound.chunks() + "; the report is not counted", null));
            return;
        }
        ClientVerdict verdict = ClientVerdict.of(inbound.chunks(), inbound.batched(), inbound.receiveSpanMs(),
                inbound.sendSpanMs());
        meters.clientReported(verdict);
        outbox.send(new OutboundFrame.TimingRecorded(inbound.id(), inbound.messageId(), verdict.batched()));
    }

    /**
     * Counts a request that costs database work against its owner's rate, or refuses it with {@code rate_limited}
     * and when the next one may come: one owner's burst of reads cannot fill the history executor's queues.
     */
    private boolean withinRequestRate(ChatConnection connection, InboundFrame inbound) {
        int perMinute = access.maxRequestsPerMinute();
        OptionalLong wait = messageRate.tryTake(REQUESTS + connection.owner(), perMinute, System.nanoTime());
        if (wait.isEmpty()) {
            return true;
        }
        rateLimited(connection.outbox(), inbound.id(), inbound.messageId(), perMinute,
                "requests for stored conversations", wait.getAsLong());
        return false;
    }

    /** Refuses a request past one of its owner's rates, with when the next one is taken. */
    private static void rateLimited(Outbox outbox, String replyTo, String messageId, int perMinute, String what,
            long waitMs) {
        outbox.send(new OutboundFrame.Error(replyTo, messageId, ErrorCode.RATE_LIMITED,
                "at most " + perMinute + " " + what + " a minute; the next one in " + waitMs + " ms", waitMs));
    }

    /** A stored reply, sent on from after the client's last chunk: each chunk as first sent, then its end. */
    private static void replayStored(Outbox outbox, StoredReply stored, int afterSeq) {
        ReplyText text = stored.text();
        for (int seq = afterSeq + 1; seq < text.chunks(); seq++) {
            outbox.replayed(stored.messageId(), seq, text.chunk(seq), WireTime.nanoTime(text.sentAtMicros()[seq]));
        }
        outbox.send(new OutboundFrame.StreamEnd(stored.messageId(), stored.replyTo(), stored.status(), text.chunks()));
    }

    private static void unknownConversation(Outbox outbox, InboundFrame inbound) {
        outbox.send(new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_CONVERSATION,
                "there is no conversation \"" + inbound.conversationId() + "\""));
    }

    /** Sends what a stored-conversation request found once it is there; the stage fails with the database. */
    private static <T> CompletionStage<Void> answer(CompletionStage<T> found, Consumer<T> send) {
        return found.thenAccept(send);
    }
}
