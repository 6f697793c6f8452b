package org.agentstream.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.ModelObserver;
import org.agentstream.config.ServerConfig;
import org.agentstream.config.ServerOffers;
import org.agentstream.streaming.ReplyObserver;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.streaming.StreamingService;
import org.agentstream.wire.ErrorCode;

/**
 * The application's meters, named once here (docs/observability.md lists them): each is recorded in the server's own
 * metrics system when it has one (WildFly's Micrometer registry, Payara Server's MicroProfile Metrics), chosen when
 * the application starts by what the server offers, and in this node's {@link LocalFigures} for the dashboard.
 * {@code agentstream.metrics.enabled=false} stops the recording for replies that start after it is set. Replies and
 * model calls reach it through {@code tracing.Observers}, beside the traces.
 */
@ApplicationScoped
public class ChatMeters implements FrameMeters {

    private static final Logger LOG = Logger.getLogger(ChatMeters.class.getName());
    static final String MICROMETER = "io.micrometer.core.instrument.MeterRegistry";
    static final String MICROPROFILE = "org.eclipse.microprofile.metrics.MetricRegistry";

    @Inject
    private StreamingService streaming;

    private final LocalFigures local = new LocalFigures();
    private final List<MetricsSystem> systems = new ArrayList<>();
    private final Map<String, AgentMeters> agents = new ConcurrentHashMap<>();
    private final Map<String, Model> models = new ConcurrentHashMap<>();
    private final Map<String, MetricsSystem.Count> errors = new ConcurrentHashMap<>();
    private MetricsSystem.Count resumedLive;
    private MetricsSystem.Count resumedStored;
    private MetricsSystem.Count replayedChunks;
    private MetricsSystem.Count reports;
    private MetricsSystem.Count batchedReports;
    private MetricsSystem.Timing gapDifference;
    private volatile boolean stopped;
    private final LongAdder reportCount = new LongAdder();
    private final LongAdder batchedCount = new LongAdder();

    public ChatMeters() {
        // for CDI
    }

    /** Outside a container, as unit tests use it: into {@code systems} and the local figures only. */
    ChatMeters(List<MetricsSystem> systems) {
        this.systems.addAll(systems);
        register();
    }

    @PostConstruct
    void start() {
        serverSystem().ifPresent(systems::add);
        LOG.log(Level.INFO, "Metrics go to {0}", describe());
        register();
        gauge("agentstream.replies.active", "Replies streaming now on this node",
                () -> streaming.stats().activeStreams());
        gauge("agentstream.timer.lag.seconds", "How far the streaming timer runs behind its schedule",
                () -> streaming.timerLagNanos() / 1e9);
    }

    /** Registers the meters when the application starts, so that a scrape finds them before the first reply. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // the gauges read the streaming core from the scraper's thread, which cannot create it (Payara's has none of
        // the application's resources): it is made now, on the deployment's
        LOG.log(Level.FINE, "Meters registered in {0}; {1} replies streaming", new Object[] {describe(),
            streaming.stats().activeStreams()});
    }

    /** The server's own metrics system: Micrometer (WildFly), else MicroProfile Metrics (Payara Server), else none. */
    private static Optional<MetricsSystem> serverSystem() {
        try {
            if (ServerOffers.hasClass(MICROMETER)) {
                Optional<MetricsSystem> micrometer = MicrometerSystem.fromContainer();
                if (micrometer.isPresent()) {
                    return micrometer;
                }
            }
            if (ServerOffers.hasClass(MICROPROFILE)) {
                return MicroProfileSystem.fromContainer();
            }
        } catch (RuntimeException | LinkageError unusable) {
            LOG.log(Level.WARNING, "The server's metrics system cannot be used; the dashboard's figures are kept",
                    unusable);
        }
        return Optional.empty();
    }

    private void register() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code.wireName(), counter("agentstream.errors", "Error frames sent, by code", "code",
                    code.wireName()));
        }
        resumedLive = counter("agentstream.resumes", "Replies resumed, from this node's memory (live) or the store",
                "from", "live");
        resumedStored = counter("agentstream.resumes",
                "Replies resumed, from this node's memory (live) or the store", "from", "stored");
        replayedChunks = counter("agentstream.replayed.chunks", "Chunks sent again to clients that resumed");
        reports = counter("agentstream.client.reports", "Replies whose client reported how they arrived (timing)");
        batchedReports = counter("agentstream.client.batched",
                "Replies whose client reported them arriving batched");
        gapDifference = timer("agentstream.client.gap.difference",
                "Per reported reply: |mean(receive gap - send gap)| between its chunks, as its client measured");
        gauge("agentstream.client.batched.fraction", "Share of the reported replies that arrived batched",
                () -> reportCount.sum() == 0 ? 0 : batchedCount.sum() / (double) reportCount.sum());
    }

    /** Whether meters are recorded now ({@code agentstream.metrics.enabled}, true by default). */
    public boolean enabled() {
        return ServerConfig.getBoolean("agentstream.metrics.enabled", true);
    }

    /** Which systems the meters go to, for the log and the dashboard. */
    public String describe() {
        List<String> names = new ArrayList<>();
        systems.forEach(system -> names.add(system.describe()));
        names.add(local.describe());
        return String.join(" and ", names);
    }

    /** The observer that times one reply of {@code agent}, or none while metrics are off. */
    public ReplyObserver reply(String agent, String messageId) {
        return enabled() && !stopped ? agent(agent) : ReplyObserver.NONE;
    }

    /** The observer of one call of a remote model, or none while metrics are off. */
    public ModelObserver call(String agent, String model) {
        return enabled() && !stopped ? models.computeIfAbsent(agent, Model::new) : ModelObserver.NONE;
    }

    private AgentMeters agent(String agent) {
        return agents.computeIfAbsent(agent, AgentMeters::new);
    }

    @Override
    public void errorSent(String code) {
        MetricsSystem.Count count = errors.get(code);
        if (count != null && enabled()) {
            count.add(1);
        }
    }

    /** A reply was resumed, from the streaming core ({@code live}) or from the store. */
    public void resumed(boolean live) {
        if (enabled()) {
            (live ? resumedLive : resumedStored).add(1);
        }
    }

    @Override
    public void replayedChunk() {
        if (enabled()) {
            replayedChunks.add(1);
        }
    }

    /** A client's report of how one reply arrived, judged. */
    public void clientReported(ClientVerdict verdict) {
        if (!enabled()) {
            return;
        }
        reports.add(1);
        reportCount.increment();
        if (verdict.batched()) {
            batchedReports.add(1);
            batchedCount.increment();
        }
        gapDifference.record(verdict.meanGapDifferenceNanos());
    }

    /** A gauge of this node, read when the metrics are read; a unit is part of its name ({@code ….seconds}). */
    public void gauge(String name, String help, DoubleSupplier value) {
        DoubleSupplier safe = () -> {
            try {
                return value.getAsDouble();
            } catch (RuntimeException failed) {
                LOG.log(Level.FINE, "Gauge " + name + " cannot be read now", failed);
                return Double.NaN;
            }
        };
        systems.forEach(system -> system.gauge(name, help, safe));
        local.gauge(name, help, safe);
    }

    /** Every figure of this node since it started, for the dashboard (see {@link LocalFigures#snapshot()}). */
    public JsonObject figures() {
        return local.snapshot();
    }

    private MetricsSystem.Count counter(String name, String help, String... tags) {
        List<MetricsSystem.Count> counts = new ArrayList<>();
        systems.forEach(system -> counts.add(system.counter(name, help, tags)));
        counts.add(local.counter(name, help, tags));
        return counts.size() == 1 ? counts.get(0) : n -> counts.forEach(count -> count.add(n));
    }

    /**
     * A timer in every system; each server system also gets the local figures' buckets as counters
     * {@code <name>_seconds_le_total{le=…}}, cumulative like a Prometheus histogram's buckets, read when it is
     * scraped: neither server's application registry exports exact buckets (WildFly 39 none at all, Payara Server's
     * from a decaying sample), and a {@code _bucket} name clashes with the timer's own family in Micrometer's.
     */
    private MetricsSystem.Timing timer(String name, String help, String... tags) {
        LocalFigures.Timed figures = local.timer(name, help, tags);
        List<MetricsSystem.Timing> timings = new ArrayList<>();
        for (MetricsSystem system : systems) {
            timings.add(system.timer(name, help, tags));
            for (int i = 0; i <= MetricsSystem.BUCKET_MS.length; i++) {
                int bound = i;
                String le = i == MetricsSystem.BUCKET_MS.length ? "+Inf" : BUCKET_SECONDS[i];
                system.countedBy(name + ".seconds.le", help + " (how many took at most le seconds)",
                        () -> figures.atMost(bound), withTag(tags, "le", le));
            }
        }
        timings.add(figures);
        return timings.size() == 1 ? figures : nanos -> timings.forEach(timing -> timing.record(nanos));
    }

    /** The buckets' bounds in seconds, as Prometheus writes {@code le}. */
    private static final String[] BUCKET_SECONDS = Arrays.stream(MetricsSystem.BUCKET_MS)
            .mapToObj(ms -> BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString())
            .toArray(String[]::new);

    private static String[] withTag(String[] tags, String name, String value) {
        String[] more = Arrays.copyOf(tags, tags.length + 2);
        more[tags.length] = name;
        more[tags.length + 1] = value;
        return more;
    }

    @PreDestroy
    void stop() {
        stopped = true; // an agent's first reply from now on registers no meter that nothing would remove
        systems.forEach(MetricsSystem::close);
        local.close();
    }

    /** One agent's meters, made when its first reply starts; agents are named by the server, so they are few. */
    private final class AgentMeters implements ReplyObserver {
        private final MetricsSystem.Timing firstChunk;
        private final MetricsSystem.Timing sendGap;
        private final MetricsSystem.Timing duration;
        private final Map<StreamStatus, MetricsSystem.Count> replies = new EnumMap<>(StreamStatus.class);

        AgentMeters(String agent) {
            firstChunk = timer("agentstream.reply.first.chunk",
                    "From a message's arrival to its reply's first chunk written", "agent", agent);
            sendGap = timer("agentstream.reply.send.gap", "Between two live chunks of a reply written to its client",
                    "agent", agent);
            duration = timer("agentstream.reply.duration", "From a message's arrival to its reply's end", "agent",
                    agent);
            for (StreamStatus status : StreamStatus.values()) {
                replies.put(status, counter("agentstream.replies", "Replies ended, by agent and status", "agent",
                        agent, "status", status.name().toLowerCase(Locale.ROOT)));
            }
        }

        @Override
        public void firstChunk(long nanos) {
            firstChunk.record(nanos);
        }

        @Override
        public void sendGap(long nanos) {
            sendGap.record(nanos);
        }

        @Override
        public void ended(StreamStatus status, int chunks, long nanos) {
            replies.get(status).add(1);
            duration.record(nanos);
        }
    }

    /** A remote model's meters, per agent. */
    private final class Model implements ModelObserver {
        private final MetricsSystem.Timing firstToken;
        private final MetricsSystem.Count inputTokens;
        private final MetricsSystem.Count outputTokens;

        Model(String agent) {
            firstToken = timer("agentstream.model.first.token", "From a model call to its first token", "agent",
                    agent);
            inputTokens = counter("agentstream.model.tokens", "Tokens the model reported, by agent and kind", "agent",
                    agent, "kind", "input");
            outputTokens = counter("agentstream.model.tokens", "Tokens the model reported, by agent and kind",
                    "agent", agent, "kind", "output");
        }

        @Override
        public void firstToken(long nanos) {
            firstToken.record(nanos);
        }

        @Override
        public void usage(long input, long output) {
            inputTokens.add(input);
            outputTokens.add(output);
        }
    }
}
