package org.agentstream.chat;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.contents;
import static org.agentstream.testing.clients.Conversations.conversations;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.listed;
import static org.agentstream.testing.clients.Conversations.newKey;
import static org.agentstream.testing.clients.Conversations.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.Test;

/**
 * Conversations outlive the application: written before a restart of the server (WildFly {@code :reload}, Payara
 * {@code restart-domain}: the application, its beans, the persistence unit and the datasource's pool all stop and
 * start again) and read back after it from the H2 file in the server's data directory.
 */
class ConversationsAfterRestartIT extends DeployedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RELOAD = Duration.ofSeconds(180);

    @Test
    void historyWrittenBeforeAReloadIsReadBackAfterIt() throws Exception {
        String key = newKey();
        String conversationId;
        Reply first;
        Reply second;
        try (ChatClient client = ChatClient.connect(base, owner(key))) {
            first = ask(client, "before1", "echo", "Remember me across a restart", null);
            conversationId = first.start().text("conversationId");
            second = ask(client, "before2", "recall", "And this too", conversationId);
            assertEquals(4, history(client, "before", conversationId).getJsonArray("messages").size());
        }

        long reloadMs;
        Path database;
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            database = admin.historyDatabase();
            assertTrue(Files.isRegularFile(database), "the H2 file is where the datasource puts it: " + database);
            long start = System.nanoTime();
            admin.restart(RELOAD);
            reloadMs = (System.nanoTime() - start) / 1_000_000;
        }

        long readStart = System.nanoTime();
        try (ChatClient client = ChatClient.connect(base, owner(key))) {
            JsonArray messages = history(client, "after", conversationId).getJsonArray("messages");
            long readMs = (System.nanoTime() - readStart) / 1_000_000;
            assertEquals(List.of("Remember me across a restart", "Remember me across a restart", "And this too",
                    second.text()), contents(messages));
            assertEquals(first.start().text("messageId"), messages.getJsonObject(1).getString("messageId"));
            assertEquals(second.start().text("messageId"), messages.getJsonObject(3).getString("messageId"));
            assertNotNull(listed(conversations(client, "list"), conversationId), "listed after the reload too");

            Reply third = ask(client, "after-reload", "recall", "Still there?", conversationId);
            assertEquals("I was given 4 earlier turns. The first thing you said was: \"Remember me across a "
                    + "restart\".", third.text());
            System.out.printf(Locale.ROOT, "[restart] %s restart took %d ms; first history after it answered "
                    + "in %d ms (connect included) with %d messages; H2 file %s, %d bytes%n",
                    System.getProperty("it.server", "wildfly"), reloadMs, readMs,
                    messages.size(), database, Files.size(database));
        }
    }
}
