package org.agentstream.turns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.agentstream.access.AccessSettings;
import org.agentstream.access.MessageRate;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentRequest;
import org.agentstream.history.Branch;
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
            case "regenerate" -> regenerate(connection, inbound);
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
     * sent. A message that {@code replaces} one of the user's edits it: that message and every later one leave the
     * conversation the agent sees.
     */
    private CompletionStage<Void> send(ChatConnection connection, InboundFrame inbound) {
        Outbox outbox = connection.outbox();
        Optional<Agent> agent = agents.find(inbound.agent());
        if (agent.isEmpty()) {
            outbox.send(new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_AGENT,
                    "no agent is named \"" + inbound.agent() + "\""));
            return ANSWERED;
        }
        Optional<Admission> admitted = admitWithinRate(connection, inbound);
        if (admitted.isEmpty()) {
            return ANSWERED;
        }
        String owner = connection.owner();
        String userMessageId = UUID.randomUUID().toString();
        CompletionStage<Branch> stored = inbound.replaces() != null
                ? history.edit(owner, inbound.conversationId(), inbound.replaces(), inbound.agent(),
                        inbound.content(), inbound.id(), userMessageId)
                : history.addUserMessage(owner, inbound.conversationId(), inbound.agent(), inbound.content(),
                        inbound.id(), userMessageId).thenApply(turn -> turn.map(question -> Branch.made(question,
                                userMessageId, inbound.content(), inbound.agent()))
                        .orElseGet(() -> Branch.refused(Branch.Refusal.UNKNOWN_CONVERSATION)));
        return startOnceStored(connection, admitted.get(), inbound, stored, name -> agent);
    }

    /**
     * Replaces the last reply of a conversation by a new one to the same user message, as a message is answered:
     * admitted, within the owner's message rate, the old reply taken out of the conversation the agent sees.
     */
    private CompletionStage<Void> regenerate(ChatConnection connection, InboundFrame inbound) {
        Optional<Admission> admitted = admitWithinRate(connection, inbound);
        if (admitted.isEmpty()) {
            return ANSWERED;
        }
        CompletionStage<Branch> made = history.regenerate(connection.owner(), inbound.messageId(),
                name -> agents.find(name).isPresent());
        return startOnceStored(connection, admitted.get(), inbound, made, agents::find);
    }

    /** Admits a reply, within the owner's message rate, or tells the client why not (busy, rate limited). */
    private Optional<Admission> admitWithinRate(ChatConnection connection, InboundFrame inbound) {
        Optional<Admission> admitted = streaming.admit(connection.streams(), connection.outbox(), inbound.id());
        if (admitted.isEmpty()) {
            return admitted;
        }
        // counted once admitted: a message refused as busy costs the owner nothing of their rate
        int perMinute = access.maxMessagesPerMinute();
        OptionalLong wait = messageRate.tryTake(connection.owner(), perMinute, System.nanoTime());
        if (wait.isPresent()) {
            admitted.get().giveBack();
            rateLimited(connection.outbox(), inbound.id(), inbound.messageId(), perMinute, "messages",
                    wait.getAsLong());
            return Optional.empty();
        }
        return admitted;
    }

    /** Starts the agent once the question is stored; gives the reply's place back if it was refused or failed. */
    private CompletionStage<Void> startOnceStored(ChatConnection connection, Admission admission,
            InboundFrame inbound, CompletionStage<Branch> stored, Function<String, Optional<Agent>> agent) {
        return stored.handle((branch, failure) -> {
            if (failure != null || branch.isRefused()) {
                admission.giveBack();
                if (failure != null) {
                    throw new CompletionException(failure);
                }
                refused(connection.outbox(), inbound, branch);
                return null;
            }
            start(connection.owner(), admission, agent.apply(branch.agent()), inbound.id(), branch);
            return null;
        });
    }

    /**
     * Starts the agent; the reply is stored from its turn when it ends (by another node, if this one dies). An agent
     * removed since the question was stored fails the reply, which fills the place reserved for it.
     */
    private void start(String owner, Admission admission, Optional<Agent> agent, String clientId, Branch branch) {
        long startedAt = System.currentTimeMillis();
        UserTurn question = branch.turn();
        String turn = question.replyPosition() < 0 ? null
                : recorder.describe(owner, question, branch.agent(), clientId, startedAt);
        // before the start, which may end the reply at once; a start the stopping server refuses leaves it registered,
        // with nothing sent and so nothing written, until the application is gone
        history.replyStarted(owner, question, branch.agent(), admission.messageId(), clientId, startedAt,
                () -> TurnRecorder.replyText(admission.sentSoFar()));
        admission.start(branch.agent(), question.conversationId(), branch.userMessageId(),
                () -> agent.orElseThrow(() -> new AgentFailure(AgentFailure.Kind.AGENT_FAILED, "agent \""
                        + branch.agent() + "\" is gone")).reply(new AgentRequest(branch.question(),
                                question.conversationId(), question.earlier())),
                turn == null ? null : ended -> recorder.record(turn, ended), turn);
    }

    /** Why a message, an edit or a regenerate changed nothing, as an error frame. */
    private static void refused(Outbox outbox, InboundFrame inbound, Branch branch) {
        String reply = "regenerate".equals(inbound.type()) ? inbound.messageId() : null;
        String named = reply != null ? "reply \"" + reply + "\"" : "message \"" + inbound.replaces() + "\"";
        OutboundFrame.Error error = switch (branch.refused()) {
            case UNKNOWN_CONVERSATION -> unknownConversationError(inbound);
            case UNKNOWN_MESSAGE -> new OutboundFrame.Error(inbound.id(), reply, ErrorCode.UNKNOWN_MESSAGE,
                    reply != null ? "there is no stored reply \"" + reply + "\" to regenerate"
                            : "conversation \"" + inbound.conversationId() + "\" has no user message \""
                                    + inbound.replaces() + "\" in its current branch", null);
            case NOT_LAST_REPLY -> new OutboundFrame.Error(inbound.id(), reply, ErrorCode.NOT_LAST_REPLY,
                    named + " is not the last message of its conversation (a later one came, or it was regenerated"
                            + " or edited away); only the last reply is regenerated", null);
            case REPLY_STREAMING -> new OutboundFrame.Error(inbound.id(), reply, ErrorCode.ALREADY_STREAMING,
                    "a reply of the conversation of " + named + " still streams; cancel it or wait for its end",
                    null);
            case UNKNOWN_AGENT -> new OutboundFrame.Error(inbound.id(), reply, ErrorCode.UNKNOWN_AGENT,
                    "no agent is named \"" + branch.agent() + "\" any more", null);
        };
        outbox.send(error);
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

    /** A stored reply, sent on from after the client's last frame: each frame as first sent, then its end. */
    private static void replayStored(Outbox outbox, StoredReply stored, int afterSeq) {
        ReplyText text = stored.text();
        for (int seq = afterSeq + 1; seq < text.chunks(); seq++) {
            outbox.replayed(stored.messageId(), seq, text.event(seq), WireTime.nanoTime(text.sentAtMicros()[seq]));
        }
        outbox.send(new OutboundFrame.StreamEnd(stored.messageId(), stored.replyTo(), stored.status(), text.chunks(),
                OutboundFrame.Usage.of(text.usage()), null));
    }

    private static void unknownConversation(Outbox outbox, InboundFrame inbound) {
        outbox.send(unknownConversationError(inbound));
    }

    private static OutboundFrame.Error unknownConversationError(InboundFrame inbound) {
        return new OutboundFrame.Error(inbound.id(), ErrorCode.UNKNOWN_CONVERSATION,
                "there is no conversation \"" + inbound.conversationId() + "\"");
    }

    /** Sends what a stored-conversation request found once it is there; the stage fails with the database. */
    private static <T> CompletionStage<Void> answer(CompletionStage<T> found, Consumer<T> send) {
        return found.thenAccept(send);
    }
}
