package org.agentstream.config;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import java.lang.annotation.Annotation;
import java.util.Optional;

/**
 * What the server gives this deployment beyond Jakarta EE (a metrics registry, an OpenTelemetry SDK), found when the
 * application starts, so that a feature uses it where it is and the deployment works where it is not.
 */
public final class ServerOffers {

    private ServerOffers() {
    }

    /** Whether {@code className} is visible to the application (its API is on the class path). */
    public static boolean hasClass(String className) {
        try {
            Class.forName(className, false, ServerOffers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** The container's bean of {@code type} with {@code qualifiers}, if it has exactly one. */
    public static <T> Optional<T> bean(Class<T> type, Annotation... qualifiers) {
        Instance<T> found = CDI.current().select(type, qualifiers);
        return found.isResolvable() ? Optional.of(found.get()) : Optional.empty();
    }
}
