package org.agentstream.tracing;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.ModelObserver;
import org.agentstream.config.ServerConfig;
import org.agentstream.config.ServerOffers;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.streaming.ReplyObserver;
import org.agentstream.streaming.StreamStatus;

/**
 * The one observer factory of the streaming core and the model agents: each reply and model call is timed by the
 * meters and, where the server's OpenTelemetry records (it is off unless the server turns it on, see
 * docs/observability.md), traced as a span. With tracing off a reply gets the meters' observer alone.
 */
@ApplicationScoped
public class Observers implements ReplyObserver.Factory, ModelObserver.Factory {

    private static final Logger LOG = Logger.getLogger(Observers.class.getName());
    static final String OPENTELEMETRY = "io.opentelemetry.api.OpenTelemetry";
    /**
     * MicroProfile Telemetry's switch, true unless the server sets it: read here too, because with it true Payara gives
     * an SDK without exporters (whose spans still record) rather than OpenTelemetry's no-op.
     */
    static final String SDK_DISABLED = "otel.sdk.disabled";

    @Inject
    private ChatMeters meters;

    private ReplyObserver.Factory replyTraces = ReplyObserver.Factory.NONE;
    private ModelObserver.Factory callTraces = ModelObserver.Factory.NONE;

    public Observers() {
        // for CDI
    }

    /** Outside a container, as unit tests use it: the meters beside {@code traces}. */
    Observers(ChatMeters meters, OpenTelemetryTraces traces) {
        this.meters = meters;
        replyTraces = traces;
        callTraces = traces;
    }

    @PostConstruct
    void start() {
        try {
            if (!ServerConfig.getBoolean(SDK_DISABLED, true) && ServerOffers.hasClass(OPENTELEMETRY)) {
                OpenTelemetryTraces.fromContainer().ifPresent(traces -> {
                    replyTraces = traces;
                    callTraces = traces;
                });
            }
        } catch (RuntimeException | LinkageError unusable) {
            LOG.log(Level.WARNING, "The server's OpenTelemetry cannot be used; replies are not traced", unusable);
        }
        LOG.log(Level.INFO, replyTraces == ReplyObserver.Factory.NONE
                ? "Replies are not traced (otel.sdk.disabled is not false, or the server gives no OpenTelemetry)"
                : "Replies are traced through the server's OpenTelemetry");
    }

    /**
     * The observer of one reply; a meter or tracer that fails is logged and leaves the reply alone (its end is
     * recorded, its place freed, its agent started), whatever it throws.
     */
    @Override
    public ReplyObserver reply(String agent, String messageId) {
        try {
            ReplyObserver observer = both(meters.reply(agent, messageId), replyTraces.reply(agent, messageId));
            return observer == ReplyObserver.NONE ? observer : new Guarded(observer);
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "Reply " + messageId + " is not observed", failed);
            return ReplyObserver.NONE;
        }
    }

    @Override
    public ModelObserver call(String agent, String model) {
        try {
            return both(meters.call(agent, model), callTraces.call(agent, model));
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "A call of " + model + " is not observed", failed);
            return ModelObserver.NONE;
        }
    }

    /** A reply's observer whose failures are logged, never thrown into the streaming core. */
    record Guarded(ReplyObserver observer) implements ReplyObserver {

        @Override
        public void starting(Runnable start) {
            boolean[] started = {false};
            try {
                observer.starting(() -> {
                    started[0] = true;
                    start.run();
                });
            } catch (RuntimeException failed) {
                failed("starting", failed);
                if (!started[0]) {
                    start.run();
                }
            }
        }

        @Override
        public void firstChunk(long nanos) {
            try {
                observer.firstChunk(nanos);
            } catch (RuntimeException failed) {
                failed("firstChunk", failed);
            }
        }

        @Override
        public void sendGap(long nanos) {
            try {
                observer.sendGap(nanos);
            } catch (RuntimeException failed) {
                failed("sendGap", failed);
            }
        }

        @Override
        public void ended(StreamStatus status, int chunks, long nanos) {
            try {
                observer.ended(status, chunks, nanos);
            } catch (RuntimeException failed) {
                failed("ended", failed);
            }
        }

        private static void failed(String call, RuntimeException failure) {
            LOG.log(Level.WARNING, "A reply's observer failed in " + call, failure);
        }
    }

    private static ReplyObserver both(ReplyObserver first, ReplyObserver second) {
        if (second == ReplyObserver.NONE) {
            return first;
        }
        return first == ReplyObserver.NONE ? second : new BothReply(first, second);
    }

    private static ModelObserver both(ModelObserver first, ModelObserver second) {
        if (second == ModelObserver.NONE) {
            return first;
        }
        return first == ModelObserver.NONE ? second : new BothCall(first, second);
    }

    /** The meters' and the trace's observers of one reply; the trace's is around the start. */
    private record BothReply(ReplyObserver meters, ReplyObserver trace) implements ReplyObserver {

        @Override
        public void starting(Runnable start) {
            trace.starting(() -> meters.starting(start));
        }

        @Override
        public void firstChunk(long nanos) {
            meters.firstChunk(nanos);
            trace.firstChunk(nanos);
        }

        @Override
        public void sendGap(long nanos) {
            meters.sendGap(nanos);
            trace.sendGap(nanos);
        }

        @Override
        public void ended(StreamStatus status, int chunks, long nanos) {
            meters.ended(status, chunks, nanos);
            trace.ended(status, chunks, nanos);
        }
    }

    /** The meters' and the trace's observers of one model call. */
    private record BothCall(ModelObserver meters, ModelObserver trace) implements ModelObserver {

        @Override
        public void firstToken(long nanos) {
            meters.firstToken(nanos);
            trace.firstToken(nanos);
        }

        @Override
        public void usage(long inputTokens, long outputTokens) {
            meters.usage(inputTokens, outputTokens);
            trace.usage(inputTokens, outputTokens);
        }

        @Override
        public void ended(Throwable failure) {
            meters.ended(failure);
            trace.ended(failure);
        }
    }
}
