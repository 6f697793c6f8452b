package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.DeploymentException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.RawWebSocket;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.Test;

/** The chat handshake refuses pages from foreign Origins unless the admin allowed them. */
class OriginIT extends DeployedApp {

    private static final String ALLOWED = "agentstream.chat.allowed-origins";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Map<String, List<String>> origin(String origin) {
        return Map.of("Origin", List.of(origin));
    }

    @Test
    void aForeignOriginIsRefusedAtTheHandshake() {
        assertThrows(DeploymentException.class, () -> ChatClient.connect(base, origin("https://evil.example")));
        assertThrows(DeploymentException.class, () -> ChatClient.connect(base, origin("null")));
    }

    @Test
    void localhostOriginsAreAccepted() throws Exception {
        for (String allowed : List.of("http://localhost:8080", "http://127.0.0.1:" + base.getPort())) {
            try (ChatClient client = ChatClient.connect(base, origin(allowed))) {
                client.ask("hi", "echo", "hello from " + allowed);
                assertEquals("complete", client.reply("hi", WAIT).status(), allowed);
            }
        }
    }

    @Test
    void aLocalhostOriginIsRefusedWhenTheChatIsServedUnderAnotherName() throws Exception {
        String local = RawWebSocket.handshakeStatus(base, Map.of("Origin", "http://localhost:3000"));
        assertTrue(local.startsWith("HTTP/1.1 101"), "reached at localhost, a page on another port may chat: " + local);
        String named = RawWebSocket.handshakeStatus(base,
                Map.of("Host", "chat.example.org", "Origin", "http://localhost:3000"));
        assertTrue(named.startsWith("HTTP/1.1 403"), "a page on the user's machine, a chat under a name: " + named);
    }

    @Test
    void anOriginTheAdminAllowsIsAccepted() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            try {
                admin.setSetting(ALLOWED, "https://chat.example.com, https://other.example");
                try (ChatClient client = ChatClient.connect(base, origin("https://chat.example.com"))) {
                    client.ask("ok", "echo", "allowed by the admin");
                    assertEquals("complete", client.reply("ok", WAIT).status());
                }
                assertThrows(DeploymentException.class,
                        () -> ChatClient.connect(base, origin("https://evil.example")));
            } finally {
                admin.removeSetting(ALLOWED);
            }
        }
        assertThrows(DeploymentException.class, () -> ChatClient.connect(base, origin("https://chat.example.com")),
                "once the admin removes it, it is refused again");
    }
}
