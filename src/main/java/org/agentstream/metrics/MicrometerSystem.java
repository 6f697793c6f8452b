package org.agentstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.agentstream.config.ServerOffers;

/**
 * WildFly's metrics: the {@link MeterRegistry} its {@code micrometer} subsystem gives a deployment, which its
 * Prometheus registry serves on the management interface. Loaded only where Micrometer is on the class path.
 * Meters are registered by name only: WildFly 39's application registry exports no meter made with a builder
 * (WFLY-21339), so it has no descriptions and no buckets.
 */
final class MicrometerSystem implements MetricsSystem {

    private final MeterRegistry registry;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    /** The registry holds a gauge's object weakly: these keep them. */
    private final List<DoubleSupplier> gauges = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> counted = new CopyOnWriteArrayList<>();

    private MicrometerSystem(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, if the container has one for this deployment. */
    static Optional<MetricsSystem> fromContainer() {
        return ServerOffers.bean(MeterRegistry.class).map(MicrometerSystem::new);
    }

    @Override
    public Count counter(String name, String help, String... tags) {
        Counter counter = registry.counter(name, tags);
        registered.add(counter);
        return counter::increment;
    }

    @Override
    public Timing timer(String name, String help, String... tags) {
        Timer timer = registry.timer(name, tags);
        registered.add(timer);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void gauge(String name, String help, DoubleSupplier value, String... tags) {
        gauges.add(value);
        registry.gauge(name, Tags.of(tags), value, DoubleSupplier::getAsDouble);
        Meter gauge = registry.find(name).tags(tags).gauge();
        if (gauge != null) {
            registered.add(gauge);
        }
    }

    @Override
    public void countedBy(String name, String help, LongSupplier value, String... tags) {
        counted.add(value);
        registered.add(registry.more().counter(name, Tags.of(tags), value, LongSupplier::getAsLong));
    }

    @Override
    public void close() {
        registered.forEach(registry::remove);
        registered.clear();
        gauges.clear();
        counted.clear();
    }

    @Override
    public String describe() {
        return "Micrometer (" + registry.getClass().getSimpleName() + ")";
    }
}
