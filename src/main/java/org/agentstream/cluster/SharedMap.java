package org.agentstream.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A map of strings that every member of the {@link Grid} sees alike, whose conditional writes are atomic over the
 * whole cluster (the engine's {@code ConcurrentMap} operations). Seams keep JSON in it, changed by {@link #update}.
 */
public interface SharedMap {

    /** The maps the application uses; an engine defines each (server-config makes WildFly's caches). */
    enum Name {
        /** Per owner: their open connections, their replies streaming, their message rate. Every node holds all. */
        OWNERS,
        /** Per member: its node name and its active replies and connections, as it last published them. */
        MEMBERS,
        /** Per reply in flight or lately ended: where it runs, its status, and each chunk it logged. */
        REPLIES
    }

    String get(String key);

    /** The values of those keys that have one. */
    Map<String, String> getAll(Collection<String> keys);

    /** Puts every entry, each with that time to live (zero: none): one round trip where the engine allows it. */
    void putAll(Map<String, String> entries, Duration ttl);

    /** Removes those keys, whatever their values. */
    void removeAll(Collection<String> keys);

    /** Puts {@code value} if the key has none; an entry not written for {@code ttl} goes (zero: never). */
    boolean putIfAbsent(String key, String value, Duration ttl);

    /** Replaces {@code expected} by {@code value}; the entry's time to live starts again. */
    boolean replace(String key, String expected, String value, Duration ttl);

    /** Removes the key if its value is {@code expected}. */
    boolean remove(String key, String expected);

    /** A copy of the entries whose keys start with {@code prefix}, as this node sees them now. */
    Map<String, String> entries(String prefix);

    /**
     * Sets the key's value to {@code change} of its current one (null: none), retrying if another member wrote it
     * meanwhile; a null result removes the entry. An unchanged value is written again only to restart its time to
     * live. Returns the value written (null if removed or left absent).
     */
    default String update(String key, UnaryOperator<String> change, Duration ttl) {
        while (true) {
            String current = get(key);
            String next = change.apply(current);
            if (current == null) {
                if (next == null || putIfAbsent(key, next, ttl)) {
                    return next;
                }
            } else if (next == null ? remove(key, current)
                    : next.equals(current) && ttl.isZero() || replace(key, current, next, ttl)) {
                return next;
            }
        }
    }

    /** {@link #update}s each entry whose key starts with {@code prefix}, as this node sees them now. */
    default void updateAll(String prefix, UnaryOperator<String> change, Duration ttl) {
        for (String key : entries(prefix).keySet()) {
            update(key, change, ttl);
        }
    }
}
