package org.agentstream.turns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import org.agentstream.history.ConversationHistory;
import org.agentstream.history.ReplyText;
import org.agentstream.history.UserTurn;
import org.agentstream.streaming.EndedReply;
import org.agentstream.streaming.ReplyRecorder;
import org.agentstream.timing.ContextClassLoader;
import org.agentstream.wire.WireTime;

/**
 * Stores replies in their conversations from a turn written as a small JSON object (whose reply it is, where it goes
 * in which conversation, the agent, the client's id, when it started): the one way a reply is stored, by the node
 * that ran it when it ends, or, in a cluster, by the node that ends it for a node that died.
 */
@ApplicationScoped
public class TurnRecorder implements ReplyRecorder {

    /**
     * Looked up once: {@code Json.create*} looks the provider up on every call, a {@link java.util.ServiceLoader} scan
     * of every jar the application sees (on Payara, JFR found it in each reply's start and end). Once per deployment,
     * with the application's loader whatever thread first asks (a grid's, in a cluster).
     */
    private final JsonProvider json = ContextClassLoader.get(TurnRecorder.class.getClassLoader(),
            JsonProvider::provider);

    @Inject
    private ConversationHistory history;

    /** The turn of a reply to {@code question}, as {@link #record} reads it. */
    String describe(String owner, UserTurn question, String agent, String clientId, long startedAt) {
        var turn = json.createObjectBuilder().add("owner", owner).add("conversationId", question.conversationId())
                .add("position", question.replyPosition()).add("agent", agent).add("startedAt", startedAt);
        if (clientId != null) {
            turn.add("clientId", clientId);
        }
        return turn.build().toString();
    }

    @Override
    public void record(String turn, EndedReply ended) {
        JsonObject read;
        try (JsonReader reader = json.createReader(new StringReader(turn))) {
            read = reader.readObject();
        }
        history.addReply(read.getString("owner"),
                new UserTurn(read.getString("conversationId"), read.getInt("position"), List.of()),
                read.getString("agent"), replyText(ended), ended.status().wireName(), ended.messageId(),
                read.getString("clientId", null), read.getJsonNumber("startedAt").longValue());
    }

    /** What a reply sent, as the history stores it. */
    static ReplyText replyText(EndedReply ended) {
        long[] sentAtMicros = new long[ended.sentNanos().length];
        for (int i = 0; i < sentAtMicros.length; i++) {
            sentAtMicros[i] = WireTime.epochMicros(ended.sentNanos()[i]);
        }
        return new ReplyText(ended.sentText(), ended.chunkEnds(), sentAtMicros, ended.events(), ended.usage());
    }
}
