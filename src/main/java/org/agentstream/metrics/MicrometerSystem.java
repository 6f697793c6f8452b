package org.agentstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.agentstream.config.ServerOffers;

/**
 * WildFly's metrics: the {@link MeterRegistry} its {@code micrometer} subsystem gives a deployment, which its
 * Prometheus registry serves on the management interface. Loaded only where Micrometer is on the class path.
 */
final class MicrometerSystem implements MetricsSystem {

    private static final Duration[] BUCKETS = Arrays.stream(BUCKET_MS).mapToObj(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();

    private MicrometerSystem(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, if the container has one for this deployment. */
    static Optional<MetricsSystem> fromContainer() {
        return ServerOffers.bean(MeterRegistry.class).map(MicrometerSystem::new);
    }

    @Override
    public Count counter(String name, String help, String... tags) {
        Counter counter = kept(Counter.builder(name).description(help).tags(tags).register(registry));
        return counter::increment;
    }

    @Override
    public Timing timer(String name, String help, String... tags) {
        Timer timer = kept(Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(registry));
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void gauge(String name, String help, String unit, DoubleSupplier value) {
        kept(Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(help).baseUnit(unit)
                .strongReference(true).register(registry));
    }

    private <M extends Meter> M kept(M meter) {
        registered.add(meter);
        return meter;
    }

    @Override
    public void close() {
        registered.forEach(registry::remove);
        registered.clear();
    }

    @Override
    public String describe() {
        return "Micrometer (" + registry.getClass().getSimpleName() + ")";
    }
}
