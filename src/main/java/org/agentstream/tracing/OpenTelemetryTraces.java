package org.agentstream.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.agentstream.agent.ModelObserver;
import org.agentstream.config.ServerOffers;
import org.agentstream.streaming.ReplyObserver;
import org.agentstream.streaming.StreamStatus;

/**
 * Spans through the server's OpenTelemetry: one per reply ({@value #REPLY}) and, as its child, one per call of a
 * remote model ({@code chat <model>}, after OpenTelemetry's GenAI conventions). A span the SDK does not record (its
 * sampler dropped it) gets no observer, so a reply costs its chunks nothing. Loaded only where the OpenTelemetry API
 * is on the class path.
 */
final class OpenTelemetryTraces implements ReplyObserver.Factory, ModelObserver.Factory {

    static final String SCOPE = "org.agentstream";
    static final String REPLY = "agentstream.reply";
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("agentstream.agent");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("agentstream.message.id");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("agentstream.reply.status");
    static final AttributeKey<Long> CHUNKS = AttributeKey.longKey("agentstream.reply.chunks");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;

    OpenTelemetryTraces(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The tracer of the deployment's OpenTelemetry, if the container gives it one that is not OpenTelemetry's no-op
     * (WildFly's with {@code otel.sdk.disabled} true, its default).
     */
    static Optional<OpenTelemetryTraces> fromContainer() {
        return ServerOffers.bean(OpenTelemetry.class).flatMap(OpenTelemetryTraces::of);
    }

    /** Traces through {@code telemetry}, unless it is the no-op OpenTelemetry. */
    static Optional<OpenTelemetryTraces> of(OpenTelemetry telemetry) {
        Tracer tracer = telemetry.getTracer(SCOPE);
        return tracer.getClass() == OpenTelemetry.noop().getTracer(SCOPE).getClass() ? Optional.empty()
                : Optional.of(new OpenTelemetryTraces(tracer));
    }

    @Override
    public ReplyObserver reply(String agent, String messageId) {
        Span span = tracer.spanBuilder(REPLY).setSpanKind(SpanKind.SERVER).setAttribute(AGENT, agent)
                .setAttribute(MESSAGE_ID, messageId).startSpan();
        if (!span.isRecording()) {
            span.end();
            return ReplyObserver.NONE;
        }
        return new TracedReply(span);
    }

    @Override
    public ModelObserver call(String agent, String model) {
        Span span = tracer.spanBuilder("chat " + model).setSpanKind(SpanKind.CLIENT).setAttribute(AGENT, agent)
                .setAttribute(OPERATION, "chat").setAttribute(MODEL, model).startSpan();
        if (!span.isRecording()) {
            span.end();
            return ModelObserver.NONE;
        }
        return new TracedCall(span);
    }

    /** A reply's span: current while the agent starts (so a model call is its child), ended with the reply. */
    private record TracedReply(Span span) implements ReplyObserver {

        @Override
        public void starting(Runnable start) {
            try (Scope current = span.makeCurrent()) {
                start.run();
            }
        }

        @Override
        public void firstChunk(long nanos) {
            span.addEvent("first chunk");
        }

        @Override
        public void ended(StreamStatus status, int chunks, long nanos) {
            span.setAttribute(STATUS, status.wireName());
            span.setAttribute(CHUNKS, (long) chunks);
            if (status == StreamStatus.FAILED) {
                span.setStatus(StatusCode.ERROR, "the reply failed");
            }
            span.end();
        }
    }

    /** A model call's span, ended when the call is over; a call stopped because its reply was cancelled is no error. */
    private record TracedCall(Span span) implements ModelObserver {

        @Override
        public void firstToken(long nanos) {
            span.addEvent("first token");
        }

        @Override
        public void usage(long inputTokens, long outputTokens) {
            span.setAttribute(INPUT_TOKENS, inputTokens);
            span.setAttribute(OUTPUT_TOKENS, outputTokens);
        }

        @Override
        public void ended(Throwable failure) {
            if (failure instanceof CancellationException) {
                span.addEvent("cancelled");
            } else if (failure != null) {
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
                span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            }
            span.end();
        }
    }
}
