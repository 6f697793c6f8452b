package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.ConnectionRelay;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/**
 * A reply whose connection is cut mid-stream (by {@link ConnectionRelay}, a reset with no close frame, as a network
 * does it) reaches a new connection of the same owner that resumes it: every chunk exactly once, in order, the
 * missed ones replayed and the rest live and on time.
 */
class ResumeIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WORDS = "agentstream.agent.simulated-model.words";
    private static final String WINDOW = "agentstream.stream.resume-window-ms";

    /** What one connection got of a reply before it was cut. */
    private record Cut(String messageId, List<Frame> chunks) {
        int lastSeq() {
            return chunks.isEmpty() ? -1 : chunks.get(chunks.size() - 1).json().getInt("seq");
        }
    }

    /**
     * Asks {@code agent} through a relay, reads until {@code chunksBeforeCut} chunks arrived, cuts the connection and
     * returns every chunk the client got before it closed.
     */
    private Cut askAndCut(Map<String, List<String>> owner, String agent, String content, int chunksBeforeCut)
            throws Exception {
        try (ConnectionRelay relay = ConnectionRelay.to(base);
                ChatClient client = ChatClient.connect(new java.net.URL(relay.relayed(base)), owner)) {
            client.ask("q", agent, content);
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> read.chunks("q").size() >= chunksBeforeCut, WAIT);
            assertFalse(replies.ended("q"), "the reply still streams when the connection is cut");
            assertTrue(relay.dropConnections() >= 1, "the connection went through the relay");
            for (Frame late : client.framesUntilClosed(WAIT)) {
                replies.add(late);
            }
            assertFalse(replies.ended("q"), "the cut came before the reply ended");
            return new Cut(replies.start("q").text("messageId"), replies.chunks("q"));
        }
    }

    private static List<Integer> seqs(List<Frame> chunks) {
        return chunks.stream().map(chunk -> chunk.json().getInt("seq")).toList();
    }

    private static boolean replayed(Frame chunk) {
        return chunk.json().getBoolean("replayed", false);
    }

    private static String text(List<Frame> chunks) {
        return chunks.stream().map(chunk -> chunk.text("delta")).collect(Collectors.joining());
    }

    @Test
    void aReplyCutMidStreamIsResumedWithEverySeqOnceAndItsLivePartOnTime() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(WORDS, "150");
            try {
                Map<String, List<String>> owner = Conversations.owner(Conversations.newKey());
                Cut received = askAndCut(owner, "simulated-model", "tell me about resuming", 5);
                // the last two chunks are lost in the cut, as a network loses what was on its way
                List<Frame> lost = received.chunks().subList(received.chunks().size() - 2, received.chunks().size());
                Cut cut = new Cut(received.messageId(), received.chunks().subList(0, received.chunks().size() - 2));

                long reconnecting = System.nanoTime();
                try (ChatClient again = ChatClient.connect(base, owner)) {
                    long resumed = again.resume("r", cut.messageId(), cut.lastSeq());
                    ChatClient.Replies replies = new ChatClient.Replies().resuming(cut.messageId(), "q");
                    again.readUntil(replies, read -> read.ended("q"), WAIT);
                    List<Frame> rest = replies.chunks("q");
                    assertFalse(rest.isEmpty(), "the rest of the reply arrived");

                    List<Frame> all = new ArrayList<>(cut.chunks());
                    all.addAll(rest);
                    int total = replies.reply("q").end().json().getInt("chunks");
                    assertEquals("complete", replies.reply("q").status());
                    assertEquals(IntStream.range(0, total).boxed().toList(), seqs(all), "every seq once, in order");
                    List<Frame> replayedPart = rest.stream().takeWhile(ResumeIT::replayed).toList();
                    List<Frame> livePart = rest.subList(replayedPart.size(), rest.size());
                    assertTrue(livePart.stream().noneMatch(ResumeIT::replayed), "replayed chunks come first");
                    assertTrue(replayedPart.size() >= 2, "the lost chunks are replayed: " + replayedPart.size());
                    for (int i = 0; i < lost.size(); i++) {
                        for (String field : List.of("seq", "delta", "sentAt")) {
                            assertEquals(lost.get(i).json().get(field), replayedPart.get(i).json().get(field),
                                    "a replayed chunk is the one first sent: " + field);
                        }
                    }
                    assertTrue(livePart.size() >= 50, "the reply went on live after the resume: " + livePart.size()
                            + " live chunks of " + total);
                    GapAnalysis live = GapAnalysis.of(
                            livePart.stream().map(c -> c.json().getJsonNumber("sentAt").doubleValue()).toList(),
                            livePart.stream().map(Frame::receivedNanos).toList());
                    Frame first = rest.get(0);
                    System.out.printf(Locale.ROOT, "[resume] simulated-model, %d chunks: cut after %d, %d replayed, "
                            + "%d live; reconnect to first %s chunk %.1f ms (resume frame to it %.1f ms); live part: "
                            + "%s%n", total, cut.chunks().size(), replayedPart.size(), livePart.size(),
                            replayed(first) ? "replayed" : "live", (first.receivedNanos() - reconnecting) / 1e6,
                            (first.receivedNanos() - resumed) / 1e6, live.summary());
                    assertTrue(live.isRealTime(), "the live part arrived as sent: " + live.summary());
                    assertStored(again, cut, all);
                }
            } finally {
                admin.removeSetting(WORDS);
            }
        }
    }

    /** The stored reply is the text the two connections got together. */
    private void assertStored(ChatClient client, Cut cut, List<Frame> all) throws Exception {
        JsonObject stored = storedReply(client, cut.messageId());
        assertEquals(text(all), stored.getString("content"));
        assertEquals(all.size(), stored.getInt("chunks"));
    }

    /** Finds a reply among the owner's stored conversations. */
    private static JsonObject storedReply(ChatClient client, String messageId) throws Exception {
        client.send("{\"type\":\"conversations\"}");
        Frame list = client.next("conversations", WAIT);
        for (JsonObject conversation : list.json().getJsonArray("conversations").getValuesAs(JsonObject.class)) {
            client.send("{\"type\":\"history\",\"conversationId\":\"" + conversation.getString("conversationId")
                    + "\"}");
            for (JsonObject message : client.next("history", WAIT).json().getJsonArray("messages")
                    .getValuesAs(JsonObject.class)) {
                if (messageId.equals(message.getString("messageId", null))) {
                    return message;
                }
            }
        }
        throw new AssertionError("reply " + messageId + " is not stored");
    }

    @Test
    void aReplyThatEndedDuringTheGapIsCompletedFromTheLog() throws Exception {
        Map<String, List<String>> owner = Conversations.owner(Conversations.newKey());
        // 400 chunks at the 10 ms pause: the cut lands mid-reply however slow the machine is
        String content = Conversations.words(400);
        Cut cut = askAndCut(owner, "echo", content, 3);
        JsonObject idle = ServerStatus.awaitIdle(base, WAIT);
        assertTrue(idle.getBoolean("idle"), "the reply ended with no client: " + idle);

        try (ChatClient again = ChatClient.connect(base, owner)) {
            again.resume("r", cut.messageId(), cut.lastSeq());
            ChatClient.Replies replies = new ChatClient.Replies().resuming(cut.messageId(), "q");
            again.readUntil(replies, read -> read.ended("q"), WAIT);
            List<Frame> all = new ArrayList<>(cut.chunks());
            all.addAll(replies.chunks("q"));

            assertEquals("complete", replies.reply("q").status());
            assertEquals(IntStream.range(0, 400).boxed().toList(), seqs(all));
            assertTrue(replies.chunks("q").stream().allMatch(ResumeIT::replayed), "all of the rest is replayed");
            assertEquals(content, text(all));
            assertEquals(400, replies.reply("q").end().json().getInt("chunks"));
        }
    }

    @Test
    void onlyTheOwnerResumesAReplyOnceAndCanCancelItThere() throws Exception {
        Map<String, List<String>> alice = Conversations.owner(Conversations.newKey());
        Cut cut = askAndCut(alice, "endless", "go", 3);

        try (ChatClient mallory = ChatClient.connect(base, Conversations.owner(Conversations.newKey()));
                ChatClient back = ChatClient.connect(base, alice)) {
            mallory.resume("m1", cut.messageId(), -1);
            Frame refused = mallory.next(WAIT);
            assertEquals("error", refused.type(), refused.json().toString());
            assertEquals("unknown_message", refused.text("code"));
            assertEquals("m1", refused.text("replyTo"));
            mallory.resume("m2", "no-such-reply", -1);
            assertEquals("unknown_message", mallory.next(WAIT).text("code"), "an unknown id looks the same");

            back.resume("b1", cut.messageId(), cut.lastSeq());
            ChatClient.Replies replies = new ChatClient.Replies().resuming(cut.messageId(), "q");
            back.readUntil(replies, read -> read.chunks("q").size() >= 3, WAIT);
            back.resume("b2", cut.messageId(), cut.lastSeq());
            back.cancel(cut.messageId());
            back.readUntil(replies, read -> read.ended("q"), WAIT);

            assertEquals("cancelled", replies.reply("q").status());
            List<Frame> errors = replies.errors("b2");
            assertEquals(1, errors.size(), "a second resume on the same connection is refused: " + errors);
            assertEquals("already_streaming", errors.get(0).text("code"));
            List<Frame> all = new ArrayList<>(cut.chunks());
            all.addAll(replies.chunks("q"));
            assertEquals(IntStream.range(0, all.size()).boxed().toList(), seqs(all), "nothing was sent twice");
            assertEquals(all.size(), replies.reply("q").end().json().getInt("chunks"));
            assertNull(mallory.poll(Duration.ZERO), "another owner got nothing more");
        }
        JsonObject idle = ServerStatus.awaitIdle(base, WAIT);
        assertTrue(idle.getBoolean("idle"), idle.toString());
    }

    /**
     * With a 1 s window, a 400-chunk reply cut early is still making chunks when its window ends: it is stopped,
     * stored interrupted with what it made, and once its window is over a resume is answered from the database, the
     * two chunks resumed again as the client first got them.
     */
    @Test
    void aReplyNobodyResumesInItsWindowIsStoppedAndThenResumedFromTheDatabase() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(WINDOW, "1000");
            try {
                Map<String, List<String>> owner = Conversations.owner(Conversations.newKey());
                String content = Conversations.words(400);
                Cut cut = askAndCut(owner, "echo", content, 5);
                TestSupport.awaitNotResumable(base, cut.messageId(), WAIT);

                try (ChatClient again = ChatClient.connect(base, owner)) {
                    int afterSeq = cut.lastSeq() - 2;
                    again.resume("r", cut.messageId(), afterSeq);
                    ChatClient.Replies replies = new ChatClient.Replies().resuming(cut.messageId(), "q");
                    again.readUntil(replies, read -> read.ended("q"), WAIT);
                    List<Frame> stored = replies.chunks("q");
                    List<Frame> all = new ArrayList<>(cut.chunks().subList(0, afterSeq + 1));
                    all.addAll(stored);
                    int total = replies.reply("q").end().json().getInt("chunks");

                    assertEquals("interrupted", replies.reply("q").status(), "stopped at the window's end");
                    assertTrue(total > cut.chunks().size() && total < 400,
                            "it went on without its client until the window ended: " + total + " chunks");
                    assertEquals(IntStream.range(0, total).boxed().toList(), seqs(all));
                    assertTrue(stored.stream().allMatch(ResumeIT::replayed));
                    assertTrue(content.startsWith(text(all)), "the stored text is the reply's start: " + text(all));
                    for (int i = afterSeq + 1; i < cut.chunks().size(); i++) {
                        for (String field : List.of("seq", "delta", "sentAt")) {
                            assertEquals(cut.chunks().get(i).json().get(field), all.get(i).json().get(field),
                                    "a chunk from the database is the one first sent: " + field);
                        }
                    }
                }
            } finally {
                admin.removeSetting(WINDOW);
            }
        }
    }
}
