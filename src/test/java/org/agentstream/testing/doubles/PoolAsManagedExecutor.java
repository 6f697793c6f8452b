package org.agentstream.testing.doubles;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutorService;

/**
 * A plain pool as the container's {@link ManagedExecutorService}, for Weld tests of beans that inject one with
 * {@code @Resource}: the {@link ExecutorService} methods go to the pool, the managed-only ones are refused.
 */
public final class PoolAsManagedExecutor {

    private PoolAsManagedExecutor() {
    }

    public static ManagedExecutorService of(ExecutorService pool) {
        return (ManagedExecutorService) Proxy.newProxyInstance(PoolAsManagedExecutor.class.getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class}, (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == arguments[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "PoolAsManagedExecutor[" + pool + "]";
                        };
                    }
                    if (!method.getDeclaringClass().isAssignableFrom(ExecutorService.class)) {
                        throw new UnsupportedOperationException(method.getName() + " is not needed by the tests");
                    }
                    try {
                        return method.invoke(pool, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
