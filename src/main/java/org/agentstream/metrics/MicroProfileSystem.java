package org.agentstream.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import org.agentstream.config.ServerOffers;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Payara Server's metrics: MicroProfile Metrics' application registry, served at {@code /metrics}. Loaded only where
 * the MicroProfile Metrics API is on the class path.
 */
final class MicroProfileSystem implements MetricsSystem {

    private final MetricRegistry registry;
    private final List<MetricID> registered = new CopyOnWriteArrayList<>();

    private MicroProfileSystem(MetricRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, if the container has one for this deployment. */
    static Optional<MetricsSystem> fromContainer() {
        return ServerOffers.bean(MetricRegistry.class).map(MicroProfileSystem::new);
    }

    @Override
    public Count counter(String name, String help, String... tags) {
        Tag[] tagged = tags(tags);
        Counter counter = registry.counter(Metadata.builder().withName(name).withDescription(help).build(), tagged);
        registered.add(new MetricID(name, tagged));
        return counter::inc;
    }

    @Override
    public Timing timer(String name, String help, String... tags) {
        Tag[] tagged = tags(tags);
        Timer timer = registry.timer(Metadata.builder().withName(name).withDescription(help).build(), tagged);
        registered.add(new MetricID(name, tagged));
        return nanos -> timer.update(Duration.ofNanos(nanos));
    }

    @Override
    public void gauge(String name, String help, String unit, DoubleSupplier value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(help)
                .withUnit(unit == null ? MetricUnits.NONE : unit)
                .build(), value,
                DoubleSupplier::getAsDouble);
        registered.add(new MetricID(name));
    }

    private static Tag[] tags(String... pairs) {
        List<Tag> tags = new ArrayList<>(pairs.length / 2);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            tags.add(new Tag(pairs[i], pairs[i + 1]));
        }
        return tags.toArray(Tag[]::new);
    }

    @Override
    public void close() {
        registered.forEach(registry::remove);
        registered.clear();
    }

    @Override
    public String describe() {
        return "MicroProfile Metrics (" + registry.getClass().getSimpleName() + ")";
    }
}
