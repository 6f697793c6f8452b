package org.agentstream.config;

import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Finds a resource the admin created for the application (an executor, say) by the JNDI names server-config binds
 * it to on each server, so the application uses it when it is there and the server's default one when it is not.
 */
public final class ServerResources {

    private static final Logger LOG = Logger.getLogger(ServerResources.class.getName());

    /** A resource and the name it was found under. */
    public record Found<T>(String name, T resource) {
    }

    private ServerResources() {
    }

    /** The first of {@code names} bound to a {@code type}, looked up in order. */
    public static <T> Optional<Found<T>> lookup(List<String> names, Class<T> type) {
        for (String name : names) {
            try {
                Object bound = new InitialContext().lookup(name);
                if (type.isInstance(bound)) {
                    return Optional.of(new Found<>(name, type.cast(bound)));
                }
                LOG.log(Level.FINE, "{0} is a {1}, not a {2}", new Object[] {name, bound.getClass(), type});
            } catch (NamingException notThere) {
                LOG.log(Level.FINE, "Nothing at " + name, notThere);
            }
        }
        return Optional.empty();
    }
}
