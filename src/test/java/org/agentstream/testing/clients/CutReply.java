package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.agentstream.testing.clients.ChatClient.Frame;

/**
 * What a client got of a reply before its connection was cut: it asked through a {@link ConnectionRelay}, read some
 * chunks, and the relay reset the connection (no close frame, as a network drops it) while the reply went on. A new
 * connection of the same user then resumes it, on any node.
 *
 * @param messageId the reply's id, from its {@code stream_start}
 * @param conversationId the conversation it is in
 * @param chunks every chunk the client got before the connection closed, in arrival order
 */
public record CutReply(String messageId, String conversationId, List<Frame> chunks) {

    /** The client id of the message the reply answers, which {@link ChatClient.Replies} files its frames under. */
    private static final String ASKED = "asked";
    private static final String RESUME = "resume";

    /**
     * What a resume of the reply got on a connection: the error frames that answered the resume, the chunks of the
     * reply in arrival order, and its {@code stream_end} (null when an error came instead).
     */
    public record Resumed(List<Frame> errors, List<Frame> chunks, Frame end) {

        /** The {@code status} of the {@code stream_end}, or null without one. */
        public String status() {
            return end == null ? null : end.text("status");
        }
    }

    /**
     * Asks {@code agent} at {@code base} (a node or the balancer) with the session of {@code cookie}, through a relay
     * of its own; reads until {@code chunksBeforeCut} chunks arrived, cuts the connection, and returns every chunk
     * the client got before it closed. Fails the test if the reply ended before the cut.
     */
    public static CutReply askAndCut(URL base, String cookie, String agent, String content, int chunksBeforeCut,
            Duration timeout) throws IOException, InterruptedException {
        try (ConnectionRelay relay = ConnectionRelay.to(base);
                ChatClient client = Conversations.opened(URI.create(relay.relayed(base)).toURL(), cookie)) {
            client.send(Conversations.message(ASKED, agent, content, null));
            ChatClient.Replies replies = new ChatClient.Replies();
            client.readUntil(replies, read -> read.chunks(ASKED).size() >= chunksBeforeCut, timeout);
            assertFalse(replies.ended(ASKED), "the reply still streams when the connection is cut");
            assertTrue(relay.dropConnections() >= 1, "the connection went through the relay");
            for (Frame late : client.framesUntilClosed(timeout)) {
                replies.add(late);
            }
            assertFalse(replies.ended(ASKED), "the cut came before the reply ended");
            Frame start = replies.start(ASKED);
            return new CutReply(start.text("messageId"), start.text("conversationId"), replies.chunks(ASKED));
        }
    }

    /** The seq of the last chunk the client got, which a resume names as {@code afterSeq}. */
    public int lastSeq() {
        return chunks.isEmpty() ? -1 : chunks.get(chunks.size() - 1).json().getInt("seq");
    }

    /**
     * Resumes the reply on {@code client} (a new connection of the same user, or of another) after the last chunk
     * the cut connection got, and reads until the reply ends or an error answers the resume.
     */
    public Resumed resumeOn(ChatClient client, Duration timeout) throws IOException, InterruptedException {
        client.resume(RESUME, messageId, lastSeq());
        ChatClient.Replies replies = new ChatClient.Replies().resuming(messageId, ASKED);
        client.readUntil(replies, read -> read.ended(ASKED) || !read.errors(RESUME).isEmpty(), timeout);
        return new Resumed(replies.errors(RESUME), replies.chunks(ASKED),
                replies.ended(ASKED) ? replies.reply(ASKED).end() : null);
    }

    /** The chunks the user has of the reply once a resume got {@code resumed}: the cut connection's, then those. */
    public List<Frame> with(Resumed resumed) {
        List<Frame> all = new ArrayList<>(chunks);
        all.addAll(resumed.chunks());
        return all;
    }

    public static List<Integer> seqs(List<Frame> chunks) {
        return chunks.stream().map(chunk -> chunk.json().getInt("seq")).toList();
    }

    public static String text(List<Frame> chunks) {
        return chunks.stream().map(chunk -> chunk.text("delta")).collect(Collectors.joining());
    }

    public static boolean replayed(Frame chunk) {
        return chunk.json().getBoolean("replayed", false);
    }

    /** The errors' codes, for a message that says what came instead of a reply. */
    public static List<String> codes(List<Frame> errors) {
        return errors.stream().map(error -> error.text("code")).toList();
    }
}
