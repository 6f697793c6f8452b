package org.agentstream.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.agentstream.agent.ModelObserver;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.streaming.ReplyObserver;
import org.agentstream.streaming.StreamStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spans of replies and model calls as an OpenTelemetry SDK records them, and the observers beside the meters. */
class OpenTelemetryTracesTest {

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final OpenTelemetryTraces traces = OpenTelemetryTraces
            .of(OpenTelemetrySdk.builder().setTracerProvider(provider).build()).orElseThrow();

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aReplysSpanCarriesItsAgentMessageStatusAndChunks() {
        ReplyObserver reply = traces.reply("echo", "m1");
        reply.starting(() -> {
        });
        reply.firstChunk(7_000_000);
        reply.sendGap(10_000_000);
        reply.ended(StreamStatus.COMPLETE, 12, 40_000_000);

        SpanData span = onlySpan();
        assertEquals("agentstream.reply", span.getName());
        assertEquals(SpanKind.SERVER, span.getKind());
        assertEquals("echo", span.getAttributes().get(OpenTelemetryTraces.AGENT));
        assertEquals("m1", span.getAttributes().get(OpenTelemetryTraces.MESSAGE_ID));
        assertEquals("complete", span.getAttributes().get(OpenTelemetryTraces.STATUS));
        assertEquals(12L, span.getAttributes().get(OpenTelemetryTraces.CHUNKS));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
        assertEquals(List.of("first chunk"), span.getEvents().stream().map(EventData::getName).toList());
    }

    @Test
    void aFailedReplysSpanIsAnError() {
        traces.reply("echo", "m1").ended(StreamStatus.FAILED, 3, 1);

        SpanData span = onlySpan();
        assertEquals("failed", span.getAttributes().get(OpenTelemetryTraces.STATUS));
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    }

    @Test
    void aModelCallMadeWhileTheReplyStartsIsTheReplysChild() {
        ReplyObserver reply = traces.reply("gpt", "m1");
        AtomicReference<ModelObserver> call = new AtomicReference<>();
        reply.starting(() -> call.set(traces.call("gpt", "some-model")));
        call.get().firstToken(250_000_000);
        call.get().usage(12, 34);
        call.get().ended(null);
        reply.ended(StreamStatus.COMPLETE, 5, 1);

        SpanData model = span("chat some-model");
        SpanData replySpan = span("agentstream.reply");
        assertEquals(replySpan.getSpanId(), model.getParentSpanId());
        assertEquals(replySpan.getTraceId(), model.getTraceId());
        assertEquals(SpanKind.CLIENT, model.getKind());
        assertEquals("chat", model.getAttributes().get(OpenTelemetryTraces.OPERATION));
        assertEquals("some-model", model.getAttributes().get(OpenTelemetryTraces.MODEL));
        assertEquals("gpt", model.getAttributes().get(OpenTelemetryTraces.AGENT));
        assertEquals(12L, model.getAttributes().get(OpenTelemetryTraces.INPUT_TOKENS));
        assertEquals(34L, model.getAttributes().get(OpenTelemetryTraces.OUTPUT_TOKENS));
        assertEquals(StatusCode.UNSET, model.getStatus().getStatusCode());
    }

    @Test
    void aFailedModelCallIsAnErrorAndACancelledOneIsNot() {
        traces.call("gpt", "a").ended(new IllegalStateException("the model answered 500"));
        traces.call("gpt", "b").ended(new CancellationException("the reply was cancelled"));

        SpanData failed = span("chat a");
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals("the model answered 500", failed.getStatus().getDescription());
        assertEquals(IllegalStateException.class.getName(),
                failed.getAttributes().get(OpenTelemetryTraces.ERROR_TYPE));
        assertEquals(StatusCode.UNSET, span("chat b").getStatus().getStatusCode());
    }

    @Test
    void theNoOpOpenTelemetryGivesNoTraces() {
        assertTrue(OpenTelemetryTraces.of(OpenTelemetry.noop()).isEmpty());
    }

    @Test
    void aSpanTheSamplerDropsGetsNoObserver() {
        SdkTracerProvider sampledOut = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
        OpenTelemetryTraces dropped = OpenTelemetryTraces
                .of(OpenTelemetrySdk.builder().setTracerProvider(sampledOut).build()).orElseThrow();

        assertSame(ReplyObserver.NONE, dropped.reply("echo", "m1"));
        assertSame(ModelObserver.NONE, dropped.call("gpt", "some-model"));
        assertTrue(exported.getFinishedSpanItems().isEmpty());
        sampledOut.close();
    }

    @Test
    void withTracesDroppedARepliesObserverIsTheMetersAlone() {
        SdkTracerProvider sampledOut = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build();
        ChatMeters meters = new ChatMeters();
        Observers observers = new Observers(meters, OpenTelemetryTraces
                .of(OpenTelemetrySdk.builder().setTracerProvider(sampledOut).build()).orElseThrow());

        assertSame(meters.reply("echo", "m1"), ((Observers.Guarded) observers.reply("echo", "m2")).observer(),
                "the meters' observer, guarded, and no span");
        assertSame(meters.call("gpt", "some-model"), observers.call("gpt", "some-model"));
        sampledOut.close();
    }

    @Test
    void aTracedReplyIsTimedByTheMetersToo() {
        ChatMeters meters = new ChatMeters();
        Observers observers = new Observers(meters, traces);
        ReplyObserver reply = observers.reply("echo", "m1");
        assertNotSame(meters.reply("echo", "m1"), reply);
        reply.starting(() -> {
        });
        reply.ended(StreamStatus.COMPLETE, 2, 40_000_000);

        assertEquals(2L, onlySpan().getAttributes().get(OpenTelemetryTraces.CHUNKS));
        JsonObject duration = meters.figures().getJsonArray("timers").getValuesAs(JsonObject.class).stream()
                .filter(timer -> timer.getString("name").equals("agentstream.reply.duration")).findFirst()
                .orElseThrow();
        assertEquals(1, duration.getInt("count"));
    }

    private SpanData onlySpan() {
        List<SpanData> spans = exported.getFinishedSpanItems();
        assertEquals(1, spans.size(), () -> "spans: " + spans);
        return spans.get(0);
    }

    private SpanData span(String name) {
        return exported.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + exported.getFinishedSpanItems()));
    }
}
