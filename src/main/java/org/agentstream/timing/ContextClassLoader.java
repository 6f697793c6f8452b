package org.agentstream.timing;

/**
 * Runs an action with another thread context class loader, then puts the thread's own back. Payara captures the
 * context of each managed task with a {@link java.util.ServiceLoader} scan of that loader, which for the application's
 * loader reads every jar the application sees: work that schedules tasks (a send, which makes Tyrus schedule one, or a
 * timer wake-up) offers the platform loader instead, which has nothing to scan.
 */
public final class ContextClassLoader {

    /** The loader to offer a container's context capture: the JDK's own classes, no application jar. */
    public static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private ContextClassLoader() {
    }

    /** An action that may throw {@code E}. */
    @FunctionalInterface
    public interface Action<E extends Exception> {
        void run() throws E;
    }

    /** A computation that may throw {@code E}. */
    @FunctionalInterface
    public interface Computation<T, E extends Exception> {
        T get() throws E;
    }

    /** Runs {@code action} with {@code loader} as the current thread's context class loader. */
    public static <E extends Exception> void with(ClassLoader loader, Action<E> action) throws E {
        get(loader, () -> {
            action.run();
            return null;
        });
    }

    /** What {@code computation} gives with {@code loader} as the current thread's context class loader. */
    public static <T, E extends Exception> T get(ClassLoader loader, Computation<T, E> computation) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return computation.get();
        } finally {
            thread.setContextClassLoader(own);
        }
    }
}
