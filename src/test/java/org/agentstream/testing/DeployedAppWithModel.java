package org.agentstream.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the ITs of remote-model agents stand on: the application ({@link DeployedApp}), a fake OpenAI-compatible
 * server for the test class, and the agent "gpt" pointed at it through the server's settings, which are removed
 * again after each test once no reply streams.
 */
public abstract class DeployedAppWithModel extends DeployedApp {

    private static final Duration IDLE_WAIT = Duration.ofSeconds(30);

    protected static FakeOpenAiServer model;

    private final Map<String, String> settings = new LinkedHashMap<>();

    @BeforeAll
    protected static void startModel() throws IOException {
        model = FakeOpenAiServer.start();
    }

    @AfterAll
    protected static void stopModel() {
        model.close();
    }

    /** Points the agent "gpt" at the fake model server, as an admin would in the console, with extra settings. */
    protected void configureGpt(Map<String, String> extra) throws IOException {
        settings.put("agentstream.agent.gpt.base-url", model.baseUrl());
        settings.put("agentstream.agent.gpt.model", "fake-model");
        settings.putAll(extra);
        settings.put("agentstream.agents.openai", "gpt");
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                admin.setSetting(setting.getKey(), setting.getValue());
            }
        }
    }

    @AfterEach
    protected void removeSettingsAndCheckIdle() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            for (String name : settings.keySet()) {
                admin.removeSetting(name);
            }
        }
        assertTrue(ServerStatus.awaitIdle(base, IDLE_WAIT).getBoolean("idle"), "every reply ended");
        model.reset();
    }
}
