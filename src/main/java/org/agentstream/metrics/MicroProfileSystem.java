package org.agentstream.metrics;

import jakarta.enterprise.util.AnnotationLiteral;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.agentstream.config.ServerOffers;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryType;

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

    /**
     * The application registry, if the container has one. Looked up with its {@link RegistryType} qualifier: Payara's
     * producer for the unqualified type reads the injection point's annotations, which a lookup does not have.
     */
    @SuppressWarnings("deprecation")
    static Optional<MetricsSystem> fromContainer() {
        return ServerOffers.bean(MetricRegistry.class, new ApplicationRegistry()).map(MicroProfileSystem::new);
    }

    @SuppressWarnings("deprecation")
    private static final class ApplicationRegistry extends AnnotationLiteral<RegistryType> implements RegistryType {
        private static final long serialVersionUID = 1L;

        @Override
        public MetricRegistry.Type type() {
            return MetricRegistry.Type.APPLICATION;
        }
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
        Timer timer = registry.timer(Metadata.builder().withName(name).withDescription(help)
                .withUnit(MetricUnits.NANOSECONDS).build(), tagged);
        registered.add(new MetricID(name, tagged));
        return nanos -> timer.update(Duration.ofNanos(nanos));
    }

    @Override
    public void gauge(String name, String help, DoubleSupplier value, String... tags) {
        Tag[] tagged = tags(tags);
        registry.gauge(Metadata.builder().withName(name).withDescription(help).withUnit(MetricUnits.NONE).build(),
                value, DoubleSupplier::getAsDouble, tagged);
        registered.add(new MetricID(name, tagged));
    }

    /** MicroProfile Metrics has no counter read from elsewhere: a gauge named as a counter is. */
    @Override
    public void countedBy(String name, String help, LongSupplier value, String... tags) {
        gauge(name + ".total", help, value::getAsLong, tags);
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
