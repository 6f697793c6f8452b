package org.agentstream.cluster;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.contents;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.List;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;
import org.agentstream.testing.fixtures.Cluster;
import org.agentstream.testing.fixtures.ClusterNode;
import org.agentstream.testing.fixtures.ClusterTest;
import org.junit.jupiter.api.Test;

/** Conversations are the cluster's, not a node's: every node reads and continues any of them. */
@ClusterTest
class ConversationAcrossNodesIT {

    @Test
    void aConversationStartedOnOneNodeGoesOnOnTheOtherWithBothTurnsInItsHistoryInOrder(Cluster cluster)
            throws Exception {
        String session = SignIn.signIn(cluster.base(), BuildUsers.DEMO, BuildUsers.passwordOf(BuildUsers.DEMO));
        ClusterNode first = cluster.nodes().get(0);
        ClusterNode second = cluster.nodes().get(1);
        String opening = "started on " + first.name();
        String continuing = "continued on " + second.name();
        String conversation;
        try (ChatClient one = opened(first.base(), session)) {
            conversation = ask(one, "turn-1", "echo", opening, null).start().text("conversationId");
        }
        try (ChatClient two = opened(second.base(), session)) {
            assertEquals(conversation, ask(two, "turn-2", "echo", continuing, conversation).start()
                    .text("conversationId"), "the second turn is in the same conversation");

            JsonArray messages = history(two, "history", conversation).getJsonArray("messages");
            assertEquals(List.of(opening, opening, continuing, continuing), contents(messages), messages::toString);
            assertEquals(List.of("user", "assistant", "user", "assistant"), messages.getValuesAs(JsonObject.class)
                    .stream().map(message -> message.getString("role")).toList(), messages::toString);
        }
    }
}
