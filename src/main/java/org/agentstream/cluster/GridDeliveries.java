package org.agentstream.cluster;

import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.agentstream.config.ServerResources;
import org.agentstream.timing.SerialTasks;

/**
 * Hands an engine's events to the {@link Grid.Listener} off the engine's threads, one at a time, in the order they
 * came ({@link SerialTasks}), with the application's context as it was where the grid was found: a listener may then
 * use the grid and the application's resources, and wait, without holding up the engine.
 */
public final class GridDeliveries {

    private static final Logger LOG = Logger.getLogger(GridDeliveries.class.getName());
    private static final List<String> EXECUTORS =
            List.of("java:comp/DefaultManagedExecutorService", "java:jboss/ee/concurrency/executor/default");
    private static final List<String> CONTEXTS =
            List.of("java:comp/DefaultContextService", "java:jboss/ee/concurrency/context/default");

    private final SerialTasks tasks;
    private volatile Grid.Listener listener;

    /** {@code context} wraps, once, what drains the events on {@code executor}. */
    public GridDeliveries(Executor executor, UnaryOperator<Runnable> context) {
        this.tasks = new SerialTasks(executor, context);
    }

    /**
     * On the server's default managed executor, with this thread's context (call it where the application starts);
     * on the engine's thread without one.
     */
    public static GridDeliveries onManagedThreads() {
        Optional<ManagedExecutorService> executor = ServerResources.lookup(EXECUTORS, ManagedExecutorService.class)
                .map(ServerResources.Found::resource);
        Optional<ContextService> context = ServerResources.lookup(CONTEXTS, ContextService.class)
                .map(ServerResources.Found::resource);
        if (executor.isEmpty()) {
            LOG.warning("No managed executor: the grid's events reach the listener on the engine's threads");
        }
        return new GridDeliveries(executor.<Executor>map(e -> e).orElse(Runnable::run),
                task -> context.map(c -> c.contextualRunnable(task)).orElse(task));
    }

    /** From now on events go to {@code listener}; null: nowhere. */
    public void listen(Grid.Listener listener) {
        this.listener = listener;
    }

    /** Queues an event for the listener, if there is one. */
    public void offer(Consumer<Grid.Listener> event) {
        if (listener == null) {
            return;
        }
        tasks.execute(() -> {
            Grid.Listener current = listener;
            if (current != null) {
                event.accept(current);
            }
        });
    }
}
