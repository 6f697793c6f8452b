package org.agentstream.streaming;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.config.ServerResources;
import org.agentstream.timing.ContextClassLoader;
import org.agentstream.timing.StepTimer;
import org.agentstream.timing.WakeUpTimer;

/**
 * The container's {@link ManagedScheduledExecutorService} that replies stream on, and the {@link WakeUpTimer} over
 * it that paces them and the built-in agents; it also runs the once-a-second sweep of replies past their bound.
 */
@ApplicationScoped
public class ReplyScheduler {

    private static final Logger LOG = Logger.getLogger(ReplyScheduler.class.getName());

    /** Where server-config/ binds the application's executor: WildFly's name, then Payara's. */
    static final List<String> DEDICATED_EXECUTOR_NAMES =
            List.of("java:jboss/ee/concurrency/scheduler/agentstream", "concurrent/agentstream-scheduler");

    /** How long a wake-up task waits for a step due soon rather than arm another wake-up. */
    private static final long TIMER_SLACK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** How long one send may hold a wake-up task before the next due steps run on another one. */
    private static final long TIMER_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    @Inject
    private StreamSettings settings;

    private StepTimer timer;
    /** The timer, when it is one that knows its lag and its room (not a test's virtual one). */
    private WakeUpTimer wakeUps;
    /** The executor the sweep runs on; null outside a container. */
    private ManagedScheduledExecutorService managed;
    private volatile ScheduledFuture<?> overdueSweep;
    private String executorName = "default";

    public ReplyScheduler() {
        // for CDI: the executor and settings are injected
    }

    /** Outside a container, as unit tests use it: steps run on {@code timer}, and nothing sweeps. */
    ReplyScheduler(StepTimer timer) {
        this.timer = timer;
        if (timer instanceof WakeUpTimer measured) {
            this.wakeUps = measured;
        }
    }

    /**
     * Uses the application's own executor when the admin created one (looked up by JNDI name, see
     * {@link #DEDICATED_EXECUTOR_NAMES}), else the server's default one, and says which once.
     */
    @PostConstruct
    void chooseScheduler() {
        List<String> names = settings.executorJndiName().map(List::of).orElse(DEDICATED_EXECUTOR_NAMES);
        Optional<ServerResources.Found<ManagedScheduledExecutorService>> dedicated =
                ServerResources.lookup(names, ManagedScheduledExecutorService.class);
        if (dedicated.isPresent()) {
            managed = dedicated.get().resource();
            useTimerOn(managed);
            executorName = dedicated.get().name();
            LOG.log(Level.INFO, "Replies stream on the managed scheduled executor {0}", executorName);
            return;
        }
        managed = managedScheduler;
        useTimerOn(managed);
        executorName = "default";
        LOG.log(Level.INFO, "No dedicated executor at {0}; replies stream on the server''s default managed scheduled "
                + "executor (server-config/ creates a dedicated one)", names);
    }

    private void useTimerOn(ManagedScheduledExecutorService executor) {
        wakeUps = new WakeUpTimer(offeringPlatformLoader(StepTimer.on(executor)), settings.executorLanes(),
                TIMER_SLACK_NANOS, TIMER_STALL_NANOS, System::nanoTime);
        timer = wakeUps;
    }

    /**
     * Schedules each wake-up with the platform class loader as the thread's context class loader, so that the
     * container's capture of the task's context does not scan the application's jars (see {@link ContextClassLoader});
     * the wake-up runs its steps with the application's loader, as it would have captured it.
     */
    private static StepTimer offeringPlatformLoader(StepTimer onExecutor) {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        return (step, delayNanos) -> {
            Runnable withApplicationLoader = () -> ContextClassLoader.with(application, step::run);
            return ContextClassLoader.get(ContextClassLoader.PLATFORM,
                    () -> onExecutor.newTimeout(withApplicationLoader, delayNanos));
        };
    }

    /** The timer replies stream on, for agents that pace themselves. */
    @Produces
    StepTimer timer() {
        return timer;
    }

    /** The timer when it knows its lag and its room (for the overload rule), else null. */
    WakeUpTimer measuredTimer() {
        return wakeUps;
    }

    /** How far the streaming timer runs behind its schedule now. */
    long lagNanos() {
        return wakeUps == null ? 0 : wakeUps.lagNanos();
    }

    /** The JNDI name of the executor replies stream on, or "default" for the server's default one. */
    String executorName() {
        return executorName;
    }

    /**
     * Runs {@code sweep} once a second on the container's executor, from the first call until the application
     * stops; outside a container, never.
     */
    void sweepEverySecond(Runnable sweep) {
        if (overdueSweep != null || managed == null) {
            return;
        }
        synchronized (this) {
            if (overdueSweep != null) {
                return;
            }
            overdueSweep = managed.scheduleAtFixedRate(sweep, 1, 1, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (overdueSweep != null) {
            overdueSweep.cancel(false);
        }
    }
}
