package org.agentstream.turns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentstream.access.AccessSettings;
import org.agentstream.access.LocalMessageRate;
import org.agentstream.access.MessageRate;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentDirectory;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.agent.EchoAgent;
import org.agentstream.agent.Turn;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.ConversationRepository;
import org.agentstream.history.HistoryDatabase;
import org.agentstream.history.HistorySettings;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamingService;
import org.agentstream.testing.doubles.RecordingOutbox;
import org.agentstream.testing.doubles.RecordingSink.Event;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.agentstream.timing.StepTimer;
import org.agentstream.wire.InboundFrame;
import org.agentstream.wire.OutboundFrame;
import org.jboss.weld.junit.MockBean;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat turn without a container: Weld wires {@link ChatTurns} to the echo agent, the streaming core on virtual
 * time, and the conversation history on an in-memory H2 whose tasks run on the calling thread.
 */
@EnableWeld
class ChatTurnsTest {

    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

    private final VirtualScheduler time = new VirtualScheduler();
    private final HistoryDatabase database = new HistoryDatabase(HistoryDatabase.Provider.HIBERNATE);
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final StreamingService streaming = new StreamingService(time, time::nanoTime, new StreamSettings() {
        @Override
        public Values current() {
            return new Values(Duration.ofMillis(10), 100, 16, 32, 8, Duration.ofMinutes(10), Duration.ZERO,
                    Duration.ofSeconds(30), 1000);
        }
    });
    private final ConversationHistory history = new ConversationHistory(repository(), new HistorySettings(),
            Runnable::run);
    private final AtomicInteger messagesPerMinute = new AtomicInteger(1000);
    private final AtomicInteger requestsPerMinute = new AtomicInteger(1000);
    private final AccessSettings access = new AccessSettings() {
        @Override
        public int maxMessagesPerMinute() {
            return messagesPerMinute.get();
        }

        @Override
        public int maxRequestsPerMinute() {
            return requestsPerMinute.get();
        }
    };

    /** What the agent "spy" was asked, in order; it answers "answer to" and the question. */
    private final List<AgentRequest> asked = new CopyOnWriteArrayList<>();
    private final Agent spy = new Agent() {
        @Override
        public String description() {
            return "records what it is asked";
        }

        @Override
        public Flow.Publisher<String> reply(AgentRequest request) {
            asked.add(request);
            return ChunkPublisher.words("answer to " + request.content());
        }
    };

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(ChatTurns.class, TurnRecorder.class, AgentDirectory.class, EchoAgent.class,
                    ChatMeters.class)
            .addBeans(MockBean.builder().types(Agent.class).qualifiers(AgentName.Literal.of("spy")).creating(spy)
                            .build(),
                    MockBean.builder().types(StepTimer.class).creating(time).build(),
                    MockBean.builder().types(StreamingService.class).creating(streaming).build(),
                    MockBean.builder().types(ConversationHistory.class).creating(history).build(),
                    MockBean.builder().types(MessageRate.class).creating(new LocalMessageRate()).build(),
                    MockBean.builder().types(AccessSettings.class).creating(access).build())
            .build();

    @Inject
    ChatTurns turns;

    @Inject
    ChatMeters meters;

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    /** Every call in a transaction of its own, as the container runs each repository method. */
    private ConversationRepository repository() {
        return database.repository(() -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("the database is down");
            }
        });
    }

    private static InboundFrame message(String id, String content, String conversationId) {
        return frame("message", id, "echo", content, conversationId, null, null);
    }

    private static InboundFrame request(String type, String id, String conversationId) {
        return frame(type, id, null, null, conversationId, null, null);
    }

    private static void answered(CompletionStage<Void> stage) throws Exception {
        stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Starts a conversation with one turn, streamed to its end, and returns its id from the owner's list. */
    private String newConversation(ChatConnection connection, String content) throws Exception {
        answered(turns.handle(connection, message("first", content, null)));
        time.runUntilIdle(TEN_SECONDS);
        answered(turns.handle(connection, request("conversations", "list", null)));
        return recorded(connection).frames(OutboundFrame.Conversations.class).get(0)
                .conversations().get(0).conversationId();
    }

    private static RecordingOutbox recorded(ChatConnection connection) {
        return (RecordingOutbox) connection.outbox().delegate();
    }

    private static List<String> kinds(RecordingOutbox outbox) {
        return outbox.replies().events().stream().map(Event::kind).distinct().toList();
    }

    @Test
    void aMessageStreamsTheAgentsReplyAndStoresBothTurns() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(alice, message("m1", "hello there", null)));
        time.runUntilIdle(TEN_SECONDS);

        RecordingOutbox outbox = recorded(alice);
        assertEquals(List.of("start", "chunk", "end:complete"), kinds(outbox));
        assertEquals("hello there", String.join("", outbox.replies().chunks().stream().map(Event::text).toList()));
        assertTrue(history.awaitPending(Duration.ofSeconds(5)));

        answered(turns.handle(alice, request("conversations", "l1", null)));
        List<OutboundFrame.Conversations> listed = outbox.frames(OutboundFrame.Conversations.class);
        assertEquals(1, listed.size());
        String conversationId = listed.get(0).conversations().get(0).conversationId();
        answered(turns.handle(alice, request("history", "h1", conversationId)));
        OutboundFrame.History page = outbox.frames(OutboundFrame.History.class).get(0);
        assertEquals(List.of("hello there", "hello there"),
                page.messages().stream().map(entry -> entry.content()).toList(), "the question, then the reply");
    }

    @Test
    void anUnknownAgentGetsAnErrorFrameAndNothingStreams() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(alice, frame("message", "m1", "nobody", "hi", null, null, null)));

        RecordingOutbox outbox = recorded(alice);
        assertEquals("unknown_agent", outbox.frames(OutboundFrame.Error.class).get(0).code());
        assertEquals(List.of(), outbox.replies().events());
        assertEquals(0, streaming.stats().activeStreams());
    }

    @Test
    void aMessagePastTheOwnersRateIsRefusedWithItsWaitAndGivesItsPlaceBack() throws Exception {
        messagesPerMinute.set(1);
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(alice, message("m1", "one", null)));
        answered(turns.handle(alice, message("m2", "two", null)));

        OutboundFrame.Error refused = recorded(alice).frames(OutboundFrame.Error.class).get(0);
        assertEquals("rate_limited", refused.code());
        assertEquals("m2", refused.replyTo());
        assertNotNull(refused.retryAfterMs());
        assertTrue(refused.retryAfterMs() > 0);
        time.runUntilIdle(TEN_SECONDS);
        assertEquals(0, streaming.stats().activeStreams(), "the refused message holds no place");

        ChatConnection bob = ChatConnection.of("user:bob", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(bob, message("m3", "three", null)));
        time.runUntilIdle(TEN_SECONDS);
        assertTrue(kinds(recorded(bob)).contains("end:complete"),
                "another owner has a rate of their own");
    }

    @Test
    void requestsForStoredConversationsPastTheOwnersRateAreRefusedWithTheirWait() throws Exception {
        requestsPerMinute.set(2);
        ChatConnection flood = ChatConnection.of("user:flood", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(flood, request("conversations", "l1", null)));
        answered(turns.handle(flood, request("history", "h1", "no-such-conversation")));
        answered(turns.handle(flood, request("delete_conversation", "d1", "no-such-conversation")));
        answered(turns.handle(flood, frame("resume", "r1", null, null, null, "no-such-reply", 0)));

        List<OutboundFrame.Error> errors = recorded(flood).frames(OutboundFrame.Error.class);
        assertEquals(List.of("unknown_conversation", "rate_limited", "rate_limited"),
                errors.stream().map(OutboundFrame.Error::code).toList());
        assertEquals(List.of("d1", "r1"), errors.subList(1, 3).stream().map(OutboundFrame.Error::replyTo).toList());
        assertTrue(errors.get(2).retryAfterMs() > 0);

        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(alice, request("conversations", "l2", null)));
        assertEquals(1, recorded(alice).frames(OutboundFrame.Conversations.class).size(),
                "another owner's requests count for them alone");
    }

    @Test
    void anotherOwnersConversationIsUnknown() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        String aliceConversation = newConversation(alice, "secret");

        ChatConnection mallory = ChatConnection.of("user:mallory", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(mallory, request("history", "h1", aliceConversation)));
        answered(turns.handle(mallory, message("m2", "mine now", aliceConversation)));
        answered(turns.handle(mallory, request("delete_conversation", "d1", aliceConversation)));

        RecordingOutbox outbox = recorded(mallory);
        assertEquals(List.of("unknown_conversation", "unknown_conversation", "unknown_conversation"),
                outbox.frames(OutboundFrame.Error.class).stream().map(OutboundFrame.Error::code).toList());
        assertEquals(List.of(), outbox.replies().events());
    }

    @Test
    void aFailedDatabaseFailsTheStageAndGivesTheReplysPlaceBack() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        String conversationId = newConversation(alice, "first");
        databaseDown.set(true);

        CompletionStage<Void> stage = turns.handle(alice, message("m2", "second", conversationId));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> answered(stage));
        assertTrue(String.valueOf(failed.getCause()).contains("the database is down"), String.valueOf(failed));
        assertEquals(0, streaming.stats().activeStreams(), "the reply that could not start holds no place");
    }

    @Test
    void aStoredReplyIsResumedFromTheDatabaseAsFirstSent() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(alice, message("m1", "one two three", null)));
        time.runUntilIdle(TEN_SECONDS);
        List<Event> sent = recorded(alice).replies().chunks();
        String messageId = sent.get(0).messageId();
        assertTrue(history.awaitPending(Duration.ofSeconds(5)));
        time.advance(TimeUnit.SECONDS.toNanos(31)); // past the resume window: only the database has it
        time.runUntilIdle(TEN_SECONDS);

        ChatConnection reloaded = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(reloaded, frame("resume", "r1", null, null, null, messageId, 0)));

        RecordingOutbox outbox = recorded(reloaded);
        List<Event> replayed = outbox.replies().events();
        assertEquals(sent.subList(1, sent.size()).stream().map(Event::text).toList(),
                replayed.stream().map(Event::text).toList(), "every chunk after seq 0, once");
        assertTrue(replayed.stream().allMatch(event -> event.kind().equals("replayed")));
        OutboundFrame.StreamEnd end = outbox.frames(OutboundFrame.StreamEnd.class).get(0);
        assertEquals("complete", end.status());
        assertEquals(sent.size(), end.chunks());

        ChatConnection mallory = ChatConnection.of("user:mallory", new RecordingOutbox(time::nanoTime));
        answered(turns.handle(mallory, frame("resume", "r2", null, null, null, messageId, 0)));
        assertEquals("unknown_message",
                recorded(mallory).frames(OutboundFrame.Error.class).get(0).code());
    }

    private static InboundFrame ask(String id, String content, String conversationId) {
        return frame("message", id, "spy", content, conversationId, null, null);
    }

    private static InboundFrame edit(String id, String content, String conversationId, String replaces) {
        return new InboundFrame("message", id, "spy", content, conversationId, null, null, null, null, null, null,
                replaces);
    }

    private static InboundFrame regenerate(String id, String messageId) {
        return frame("regenerate", id, null, null, null, messageId, null);
    }

    /** Sends a frame that starts a reply and streams the reply to its end. */
    private void answeredInFull(ChatConnection connection, InboundFrame frame) throws Exception {
        answered(turns.handle(connection, frame));
        time.runUntilIdle(TEN_SECONDS);
        assertTrue(history.awaitPending(Duration.ofSeconds(5)));
    }

    /** The stored messages of the conversation as a history frame returns them: role and content. */
    private List<String> historyOf(ChatConnection connection, String conversationId) throws Exception {
        answered(turns.handle(connection, request("history", "h", conversationId)));
        List<OutboundFrame.History> pages = recorded(connection).frames(OutboundFrame.History.class);
        return pages.get(pages.size() - 1).messages().stream().map(entry -> entry.role() + ": " + entry.content())
                .toList();
    }

    private static List<String> seen(AgentRequest request) {
        return request.history().stream().map(Turn::content).toList();
    }

    @Test
    void aRegenerateAnswersTheSameQuestionAgainAndTheAgentSeesTheCurrentBranch() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answeredInFull(alice, ask("m1", "one", null));
        String conversationId = newConversationId(alice);
        answeredInFull(alice, ask("m2", "two", conversationId));
        RecordingOutbox outbox = recorded(alice);

        answeredInFull(alice, regenerate("g1", outbox.messageId("m2")));

        AgentRequest again = asked.get(asked.size() - 1);
        assertEquals("two", again.content());
        assertEquals(List.of("one", "answer to one"), seen(again), "the turns before the question");
        assertEquals(outbox.userMessageId("m2"), outbox.userMessageId("g1"), "it answers the same user message");
        assertTrue(kinds(outbox).contains("end:complete"));
        assertEquals(List.of("user: one", "assistant: answer to one", "user: two", "assistant: answer to two"),
                historyOf(alice, conversationId), "the old reply is out, the new one in");
        answeredInFull(alice, ask("m3", "three", conversationId));
        assertEquals(List.of("one", "answer to one", "two", "answer to two"), seen(asked.get(asked.size() - 1)));
        assertEquals(List.of(), recorded(alice).frames(OutboundFrame.Error.class));
    }

    @Test
    void anEditIsAnsweredAndTheAgentNoLongerSeesWhatItReplaced() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answeredInFull(alice, ask("m1", "one", null));
        String conversationId = newConversationId(alice);
        answeredInFull(alice, ask("m2", "two", conversationId));
        answeredInFull(alice, ask("m3", "three", conversationId));
        RecordingOutbox outbox = recorded(alice);

        answeredInFull(alice, edit("e1", "two, better", conversationId, outbox.userMessageId("m2")));

        AgentRequest edited = asked.get(asked.size() - 1);
        assertEquals("two, better", edited.content());
        assertEquals(List.of("one", "answer to one"), seen(edited));
        assertEquals(List.of("user: one", "assistant: answer to one", "user: two, better",
                "assistant: answer to two, better"), historyOf(alice, conversationId));
        OutboundFrame.History page = outbox.frames(OutboundFrame.History.class).get(0);
        assertEquals(outbox.userMessageId("e1"), page.messages().get(2).messageId(),
                "the history names the user message as stream_start did");
        assertEquals(List.of(), outbox.frames(OutboundFrame.Error.class));
    }

    @Test
    void hostileRegeneratesAndEditsGetErrorFramesAndChangeNothing() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answeredInFull(alice, ask("m1", "one", null));
        String conversationId = newConversationId(alice);
        answeredInFull(alice, ask("m2", "two", conversationId));
        answeredInFull(alice, ask("x1", "elsewhere", null));
        RecordingOutbox outbox = recorded(alice);
        String lastReply = outbox.messageId("m2");
        ChatConnection mallory = ChatConnection.of("user:mallory", new RecordingOutbox(time::nanoTime));
        answeredInFull(mallory, ask("y1", "mine", null));
        String malloryConversation = newConversationId(mallory);
        int askedBefore = asked.size();

        answered(turns.handle(mallory, regenerate("h1", lastReply)));
        answered(turns.handle(mallory, edit("h2", "x", malloryConversation, outbox.userMessageId("m2"))));
        answered(turns.handle(mallory, edit("h3", "x", conversationId, outbox.userMessageId("m2"))));
        assertEquals(List.of("unknown_message", "unknown_message", "unknown_conversation"), codes(mallory),
                "another user's ids are unknown");

        answered(turns.handle(alice, regenerate("a1", outbox.messageId("m1"))));
        answered(turns.handle(alice, edit("a2", "x", conversationId, lastReply)));
        answered(turns.handle(alice, edit("a3", "x", conversationId, outbox.userMessageId("x1"))));
        answered(turns.handle(alice, regenerate("a4", "no-such-reply")));
        assertEquals(List.of("not_last_reply", "unknown_message", "unknown_message", "unknown_message"),
                codes(alice), "not the last reply; an agent's message; another conversation's; unknown");
        assertEquals(askedBefore, asked.size(), "no agent was asked");
        assertEquals(List.of("user: one", "assistant: answer to one", "user: two", "assistant: answer to two"),
                historyOf(alice, conversationId));
    }

    @Test
    void whileAReplyStreamsItsConversationIsNeitherRegeneratedNorEditedAndOfTwoRegeneratesOneWins()
            throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answeredInFull(alice, ask("m1", "one", null));
        String conversationId = newConversationId(alice);
        RecordingOutbox outbox = recorded(alice);
        String reply = outbox.messageId("m1");

        answered(turns.handle(alice, regenerate("g1", reply)));
        answered(turns.handle(alice, regenerate("g2", reply)));
        time.advance(0); // the new reply starts, and streams on
        answered(turns.handle(alice, regenerate("g3", outbox.messageId("g1"))));
        answered(turns.handle(alice, edit("e1", "x", conversationId, outbox.userMessageId("m1"))));
        time.runUntilIdle(TEN_SECONDS);

        assertEquals(List.of("not_last_reply", "already_streaming", "already_streaming"), codes(alice),
                "the first regenerate took the reply away; the new reply streams");
        assertEquals(List.of("g2", "g3", "e1"), outbox.frames(OutboundFrame.Error.class).stream()
                .map(OutboundFrame.Error::replyTo).toList(), "exactly one regenerate won");
        assertTrue(history.awaitPending(Duration.ofSeconds(5)));
        answered(turns.handle(alice, regenerate("g4", reply)));
        assertEquals("not_last_reply", codes(alice).get(3), "the old reply left the conversation");
        assertEquals(List.of("user: one", "assistant: answer to one"), historyOf(alice, conversationId));
    }

    @Test
    void regeneratesCountAgainstTheMessageRate() throws Exception {
        messagesPerMinute.set(1);
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        answeredInFull(alice, ask("m1", "one", null));

        answered(turns.handle(alice, regenerate("g1", recorded(alice).messageId("m1"))));

        OutboundFrame.Error refused = recorded(alice).frames(OutboundFrame.Error.class).get(0);
        assertEquals(List.of("rate_limited", "g1"), List.of(refused.code(), refused.replyTo()));
        assertTrue(refused.retryAfterMs() > 0);
        time.runUntilIdle(TEN_SECONDS);
        assertEquals(0, streaming.stats().activeStreams(), "the refused regenerate holds no place");
    }

    private static List<String> codes(ChatConnection connection) {
        return recorded(connection).frames(OutboundFrame.Error.class).stream().map(OutboundFrame.Error::code)
                .toList();
    }

    /** The id of the connection's newest conversation. */
    private String newConversationId(ChatConnection connection) throws Exception {
        answered(turns.handle(connection, request("conversations", "list", null)));
        List<OutboundFrame.Conversations> lists = recorded(connection).frames(OutboundFrame.Conversations.class);
        return lists.get(lists.size() - 1).conversations().get(0).conversationId();
    }

    private static InboundFrame timing(String id, String messageId, int chunks, int batched, double receiveSpanMs,
            double sendSpanMs) {
        return new InboundFrame("timing", id, null, null, null, messageId, null, chunks, batched, receiveSpanMs,
                sendSpanMs, null);
    }

    /** The local figure of a client-report counter, or of the gap-difference timer's count. */
    private long clientFigure(String name) {
        var figures = meters.figures();
        for (var counter : figures.getJsonArray("counters").getValuesAs(jakarta.json.JsonObject.class)) {
            if (counter.getString("name").equals(name)) {
                return counter.getJsonNumber("value").longValue();
            }
        }
        for (var timer : figures.getJsonArray("timers").getValuesAs(jakarta.json.JsonObject.class)) {
            if (timer.getString("name").equals(name)) {
                return timer.getJsonNumber("count").longValue();
            }
        }
        throw new AssertionError("no figure " + name);
    }

    private List<Long> clientFigures() {
        return List.of(clientFigure("agentstream.client.reports"), clientFigure("agentstream.client.batched"),
                clientFigure("agentstream.client.gap.difference"));
    }

    /** Streams one echo reply of three chunks on {@code connection} to its end and returns its message id. */
    private String endedReply(ChatConnection connection, String id) throws Exception {
        answered(turns.handle(connection, message(id, "one two three", null)));
        time.runUntilIdle(TEN_SECONDS);
        return recorded(connection).replies().events().stream().filter(e -> e.kind().equals("end:complete"))
                .reduce((first, second) -> second).orElseThrow().messageId();
    }

    @Test
    void aClientsTimingReportIsCountedOnceWithTheServersVerdict() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        String realTime = endedReply(alice, "m1");
        String batched = endedReply(alice, "m2");

        answered(turns.handle(alice, timing("t1", realTime, 3, 0, 20.5, 20.0)));
        answered(turns.handle(alice, timing("t2", batched, 3, 2, 0.2, 20.0)));

        List<OutboundFrame.TimingRecorded> recorded = recorded(alice).frames(OutboundFrame.TimingRecorded.class);
        assertEquals(List.of(false, true), recorded.stream().map(OutboundFrame.TimingRecorded::batched).toList());
        assertEquals(List.of("t1", "t2"), recorded.stream().map(OutboundFrame.TimingRecorded::replyTo).toList());
        assertEquals(List.of(2L, 1L, 2L), clientFigures(), "reports, batched, gap differences");
    }

    @Test
    void hostileTimingReportsGetErrorFramesAndChangeNoMeter() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        ChatConnection mallory = ChatConnection.of("user:mallory", new RecordingOutbox(time::nanoTime));
        ChatConnection alicesOtherTab = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        String reply = endedReply(alice, "m1");
        List<Long> before = clientFigures();

        answered(turns.handle(mallory, timing("x1", reply, 3, 0, 20, 20)));
        answered(turns.handle(alicesOtherTab, timing("x2", reply, 3, 0, 20, 20)));
        answered(turns.handle(alice, timing("x3", "no-such-reply", 3, 0, 20, 20)));
        answered(turns.handle(alice, timing("x4", reply, 4, 0, 20, 20)));
        assertEquals(List.of("unknown_message"), recorded(mallory).frames(OutboundFrame.Error.class).stream()
                .map(OutboundFrame.Error::code).toList(), "another user's reply is as unknown as no reply");
        assertEquals(List.of("unknown_message"), recorded(alicesOtherTab).frames(OutboundFrame.Error.class).stream()
                .map(OutboundFrame.Error::code).toList(), "only the connection it ended on reports it");
        assertEquals(List.of("unknown_message", "bad_frame"), recorded(alice).frames(OutboundFrame.Error.class)
                .stream().map(OutboundFrame.Error::code).toList(), "no reply; more chunks than it sent");
        assertEquals(before, clientFigures());

        answered(turns.handle(alice, timing("x4b", reply, 3, 0, 20, 20)));
        assertEquals(List.of(true), recorded(alice).frames(OutboundFrame.TimingRecorded.class).stream()
                .map(recorded -> recorded.replyTo().equals("x4b")).toList(), "a bad count leaves the reply to report");
        assertEquals(before.get(0) + 1, clientFigure("agentstream.client.reports"));

        String another = endedReply(alice, "m2");
        answered(turns.handle(alice, timing("x5", another, 3, 0, 20, 20)));
        answered(turns.handle(alice, timing("x6", another, 3, 0, 20, 20)));
        List<OutboundFrame.Error> errors = recorded(alice).frames(OutboundFrame.Error.class);
        assertEquals("unknown_message", errors.get(errors.size() - 1).code(), "a reply is reported once");
        assertEquals("x6", errors.get(errors.size() - 1).replyTo());
        assertEquals(before.get(0) + 2, clientFigure("agentstream.client.reports"));
    }

    @Test
    void aFloodOfTimingReportsIsRateLimitedLikeMessages() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        messagesPerMinute.set(5);
        for (int i = 0; i < 20; i++) {
            answered(turns.handle(alice, timing("f" + i, "flood-" + i, 3, 0, 20, 20)));
        }
        List<String> codes = recorded(alice).frames(OutboundFrame.Error.class).stream().map(OutboundFrame.Error::code)
                .toList();
        assertEquals(20, codes.size(), "every frame is answered");
        assertEquals(5, codes.stream().filter("unknown_message"::equals).count(), codes::toString);
        assertEquals(15, codes.stream().filter("rate_limited"::equals).count(), codes::toString);
    }

    /** A frame of the types before timing reports, which have none of its fields. */
    private static InboundFrame frame(String type, String id, String agent, String content, String conversationId,
            String messageId, Integer afterSeq) {
        return new InboundFrame(type, id, agent, content, conversationId, messageId, afterSeq, null, null, null, null,
                null);
    }

    @Test
    void aReplyResumedAfterItEndedCannotBeReportedAgain() throws Exception {
        ChatConnection alice = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        ChatConnection alicesNextTab = ChatConnection.of("user:alice", new RecordingOutbox(time::nanoTime));
        String reply = endedReply(alice, "m1");
        answered(turns.handle(alice, timing("t1", reply, 3, 0, 20, 20)));
        long reported = clientFigure("agentstream.client.reports");

        for (ChatConnection connection : List.of(alice, alicesNextTab)) {
            answered(turns.handle(connection, frame("resume", "r", null, null, null, reply, -1)));
            time.runUntilIdle(TEN_SECONDS);
            assertTrue(kinds(recorded(connection)).contains("end:complete"), "the end is sent again");
            answered(turns.handle(connection, timing("again", reply, 3, 0, 20, 20)));
            List<OutboundFrame.Error> errors = recorded(connection).frames(OutboundFrame.Error.class);
            assertEquals("unknown_message", errors.get(errors.size() - 1).code(),
                    "a reply ends live once, so it is reported once");
        }
        assertEquals(reported, clientFigure("agentstream.client.reports"));
    }
}
