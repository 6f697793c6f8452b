package org.agentstream.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

/**
 * The repository works in the server as deployed: the persistence unit on the datasource that server-config creates,
 * the server's provider (Hibernate on WildFly, EclipseLink on Payara), the container's transactions.
 */
class ConversationStoreIT extends DeployedApp {

    private HttpResponse<String> probe(String method, Map<String, String> parameters) throws Exception {
        return TestSupport.historyProbe(base, method, parameters);
    }

    @Test
    void conversationsAreStoredAndReadBackByTheirOwnerOnly() throws Exception {
        String owner = "anonymous:" + UUID.randomUUID();
        HttpResponse<String> first = probe("POST", Map.of("owner", owner, "content", "Hello ✓ there"));
        assertEquals(200, first.statusCode(), first.body());
        String id = first.body().lines().findFirst().orElseThrow();

        HttpResponse<String> second = probe("POST", Map.of("owner", owner, "conversationId", id, "content", "again"));
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(id + "\n2", second.body(), "the second message was given the first one and its reply");

        HttpResponse<String> history = probe("GET", Map.of("owner", owner, "conversationId", id));
        assertEquals(200, history.statusCode(), history.body());
        assertEquals("user:Hello ✓ there\nassistant:Hello ✓ there\nuser:again\nassistant:again\n", history.body());

        String other = "anonymous:" + UUID.randomUUID();
        assertEquals(404, probe("GET", Map.of("owner", other, "conversationId", id)).statusCode());
        assertEquals(404, probe("POST", Map.of("owner", other, "conversationId", id, "content", "x")).statusCode());
    }
}
