package org.agentstream.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Reply;
import org.agentstream.testing.doubles.FakeCollector;
import org.agentstream.testing.doubles.FakeOpenAiServer.Script;
import org.agentstream.testing.fixtures.DeployedAppWithModel;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.Test;

/**
 * Tracing turned on the way docs/observability.md tells an admin (MicroProfile Telemetry's {@code otel.*} settings,
 * read when the application starts, so the server restarts), with OTLP over HTTP to a collector this test runs: a
 * reply and a remote model call arrive there as spans with their attributes. Tracing is off again after it.
 */
class TracingIT extends DeployedAppWithModel {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RESTART = Duration.ofSeconds(180);

    @Test
    void repliesAndModelCallsReachTheCollectorAsSpans() throws Exception {
        configureGpt(Map.of());
        model.answer(Script.tokens(List.of("Traced", " reply"), Duration.ZERO));
        try (FakeCollector collector = FakeCollector.start()) {
            Map<String, String> otel = new LinkedHashMap<>();
            otel.put("otel.sdk.disabled", "false");
            otel.put("otel.traces.exporter", "otlp");
            otel.put("otel.exporter.otlp.protocol", "http/protobuf");
            otel.put("otel.exporter.otlp.endpoint", collector.endpoint());
            otel.put("otel.bsp.schedule.delay", "200");
            try {
                restartWith(otel, true);
                try (ChatClient client = ChatClient.connect(base)) {
                    client.ask("traced-echo", "echo", "a traced reply");
                    Reply echo = client.reply("traced-echo", WAIT);
                    assertEquals("complete", echo.status());
                    client.ask("traced-gpt", "gpt", "a traced model call");
                    Reply gpt = client.reply("traced-gpt", WAIT);
                    assertEquals("Traced reply", gpt.text());

                    String received = collector.awaitContaining(WAIT, "agentstream.reply", "agentstream.agent",
                            "echo", echo.start().text("messageId"), "complete", "chat fake-model",
                            "gen_ai.request.model", gpt.start().text("messageId"));
                    for (String expected : List.of("agentstream.reply", "agentstream.reply.status",
                            "agentstream.reply.chunks", echo.start().text("messageId"),
                            gpt.start().text("messageId"), "chat fake-model", "gen_ai.request.model",
                            "gen_ai.usage.input_tokens")) {
                        assertTrue(received.contains(expected), "the collector got " + expected + ": " + received);
                    }
                }
            } finally {
                restartWith(otel, false);
            }
        }
    }

    /** Sets (or removes) the settings, then restarts the server so that the application's OpenTelemetry reads them. */
    private void restartWith(Map<String, String> settings, boolean set) throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                if (set) {
                    admin.setSetting(setting.getKey(), setting.getValue());
                } else {
                    admin.removeSetting(setting.getKey());
                }
            }
            admin.restart(RESTART);
        }
    }
}
