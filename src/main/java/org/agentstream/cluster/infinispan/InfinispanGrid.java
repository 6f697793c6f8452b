package org.agentstream.cluster.infinispan;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.cluster.Grid;
import org.agentstream.cluster.GridDeliveries;
import org.agentstream.cluster.SharedMap;
import org.agentstream.config.ServerResources;
import org.infinispan.Cache;
import org.infinispan.commons.util.CloseableIterator;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.NameCache;

/**
 * The {@link Grid} of a node of a WildFly cluster, made of what the server runs ({@code server-config/wildfly/
 * cluster.cli}): each {@link SharedMap} is a replicated cache of the cache container {@code agentstream}, and the
 * members, their view's changes and the broadcasts are the JGroups fork channel {@code agentstream-grid} of the
 * channel {@code ee}, from which those caches' transport is forked too, so both see one view. Member ids are the
 * JGroups logical names, which WildFly sets to {@code jboss.node.name}.
 *
 * <p><b>Why broadcasts go over a fork channel.</b> A message is its string's UTF-8 bytes in a JGroups message: no
 * class of ours is marshalled, each member's messages arrive in the order it sent them (the stack's per-sender order),
 * and the sender's own is not looped back. A replicated cache of signals would keep each message until it expired, and
 * its entry events need Infinispan's listener annotations, which WildFly's public {@code org.infinispan} module does
 * not export (only the private {@code org.infinispan.core} does); WildFly's {@code CommandDispatcher} marshals a
 * command object of the application's.
 *
 * <p><b>Found, or not.</b> WildFly starts caches and channels on demand: the deployment overlay that cluster.cli
 * adds (its {@code WEB-INF/jboss-web.xml}, references to them) is what makes them start, and be bound, before the WAR
 * does. A server without cluster.cli binds none of them, and {@link #find} is empty.
 *
 * <p><b>Threads.</b> JGroups calls the receiver on its own threads, which only queue the event; a managed executor
 * hands the queue to the {@link Grid.Listener}, one event at a time, in the order they came ({@link GridDeliveries}).
 */
public final class InfinispanGrid implements Grid {

    private static final Logger LOG = Logger.getLogger(InfinispanGrid.class.getName());
    /** Where WildFly binds the caches of the container {@code agentstream}: one per {@link SharedMap.Name}. */
    static final String CACHES = "java:jboss/infinispan/cache/agentstream/";
    /** Where WildFly binds the fork channel {@code agentstream-grid}. */
    static final String CHANNEL = "java:jboss/jgroups/channel/agentstream-grid";

    private final JChannel channel;
    private final Map<SharedMap.Name, SharedMap> maps;
    private final GridDeliveries deliveries;

    InfinispanGrid(JChannel channel, Map<SharedMap.Name, SharedMap> maps, GridDeliveries deliveries) {
        this.channel = channel;
        this.maps = maps;
        this.deliveries = deliveries;
    }

    /**
     * This node's grid, if the server binds what cluster.cli defines; called where the application starts, so that
     * the listener runs with the application's context (its class loader, its {@code java:comp}).
     */
    public static Optional<Grid> find() {
        Optional<JChannel> channel = lookup(CHANNEL, JChannel.class);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        Map<SharedMap.Name, SharedMap> maps = new EnumMap<>(SharedMap.Name.class);
        for (SharedMap.Name name : SharedMap.Name.values()) {
            Optional<Cache<String, String>> cache = lookup(CACHES + cacheName(name), Cache.class).map(found -> {
                @SuppressWarnings("unchecked") // cluster.cli's caches, of strings only
                Cache<String, String> strings = found;
                return strings;
            });
            if (cache.isEmpty()) {
                LOG.log(Level.WARNING, "{0} is bound but not {1}: no grid, this node keeps its own counts",
                        new Object[] {CHANNEL, CACHES + cacheName(name)});
                return Optional.empty();
            }
            maps.put(name, new CacheMap(cache.get(), InfinispanGrid.class.getClassLoader()));
        }
        InfinispanGrid grid = new InfinispanGrid(channel.get(), maps, GridDeliveries.onManagedThreads());
        LOG.log(Level.INFO, "Grid: member {0} of {1}, caches {2}", new Object[] {grid.localMember(), grid.members(),
            CACHES + maps.keySet().stream().map(InfinispanGrid::cacheName).toList()});
        return Optional.of(grid);
    }

    static String cacheName(SharedMap.Name name) {
        return name.name().toLowerCase(Locale.ROOT);
    }

    private static <T> Optional<T> lookup(String name, Class<T> type) {
        return lookup(List.of(name), type);
    }

    private static <T> Optional<T> lookup(List<String> names, Class<T> type) {
        return ServerResources.lookup(names, type).map(ServerResources.Found::resource);
    }

    @Override
    public String localMember() {
        return id(channel.getAddress());
    }

    @Override
    public Set<String> members() {
        View view = channel.getView();
        return view == null ? Set.of(localMember()) : ids(view);
    }

    @Override
    public SharedMap map(SharedMap.Name name) {
        return maps.get(name);
    }

    @Override
    public void broadcast(String message) {
        Message sent = new BytesMessage(null, message.getBytes(UTF_8)).setFlag(Message.TransientFlag.DONT_LOOPBACK);
        try {
            channel.send(sent);
        } catch (Exception e) { // JGroups declares Exception: a closed channel, an interrupted send
            LOG.log(Level.WARNING, "Could not broadcast over " + CHANNEL, e);
        }
    }

    @Override
    public void listen(Listener listener) {
        deliveries.listen(listener);
        Address self = channel.getAddress();
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message message) {
                if (self.equals(message.getSrc())) {
                    return;
                }
                byte[] bytes = message.getArray();
                String text = bytes == null ? "" : new String(bytes, message.getOffset(), message.getLength(), UTF_8);
                deliveries.offer(to -> to.received(text));
            }

            @Override
            public void viewAccepted(View view) {
                Set<String> members = ids(view);
                deliveries.offer(to -> to.membersChanged(members));
            }
        });
    }

    @Override
    public void close() {
        channel.setReceiver(null);
        deliveries.listen(null);
    }

    private static Set<String> ids(View view) {
        Set<String> ids = new LinkedHashSet<>();
        view.getMembers().forEach(member -> ids.add(id(member)));
        return Collections.unmodifiableSet(ids);
    }

    /** A member's logical name (WildFly's node name), or its address if JGroups does not know the name. */
    private static String id(Address member) {
        String name = NameCache.get(member);
        return name != null ? name : String.valueOf(member);
    }

    /**
     * A {@link SharedMap} over a replicated cache of strings. Infinispan does a conditional write at the key's primary
     * owner under its lock, so it is atomic over the cluster; a time to live is the entry's lifespan, which every
     * write sets afresh; every node holds every entry, so {@link #entries} reads this node's copy only.
     */
    record CacheMap(Cache<String, String> cache, ClassLoader application) implements SharedMap {

        @Override
        public String get(String key) {
            return withApplication(() -> cache.get(key));
        }

        @Override
        public Map<String, String> getAll(Collection<String> keys) {
            return withApplication(() -> cache.getAdvancedCache().getAll(new HashSet<>(keys)));
        }

        @Override
        public void putAll(Map<String, String> entries, Duration ttl) {
            withApplication(() -> {
                cache.putAll(entries, lifespanMs(ttl), MILLISECONDS);
                return null;
            });
        }

        @Override
        public void removeAll(Collection<String> keys) {
            withApplication(() -> {
                CompletableFuture.allOf(keys.stream().map(cache::removeAsync).toArray(CompletableFuture[]::new))
                        .join();
                return null;
            });
        }

        @Override
        public boolean putIfAbsent(String key, String value, Duration ttl) {
            return withApplication(() -> cache.putIfAbsent(key, value, lifespanMs(ttl), MILLISECONDS) == null);
        }

        @Override
        public boolean replace(String key, String expected, String value, Duration ttl) {
            return withApplication(() -> cache.replace(key, expected, value, lifespanMs(ttl), MILLISECONDS));
        }

        @Override
        public boolean remove(String key, String expected) {
            return withApplication(() -> cache.remove(key, expected));
        }

        /**
         * Runs a cache operation with the application's class loader as the thread's context class loader, as on a
         * request's thread: on a managed thread without the application's context (the replies' scheduler), WildFly's
         * cache found no entry for a key it held.
         */
        private <T> T withApplication(Supplier<T> operation) {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            if (before == application) {
                return operation.get();
            }
            thread.setContextClassLoader(application);
            try {
                return operation.get();
            } finally {
                thread.setContextClassLoader(before);
            }
        }

        @Override
        public Map<String, String> entries(String prefix) {
            Map<String, String> found = new HashMap<>();
            return withApplication(() -> {
                try (CloseableIterator<Map.Entry<String, String>> all = cache.entrySet().iterator()) {
                    while (all.hasNext()) {
                        Map.Entry<String, String> entry = all.next();
                        if (entry.getKey().startsWith(prefix)) {
                            found.put(entry.getKey(), entry.getValue());
                        }
                    }
                }
                return found;
            });
        }

        /** Infinispan's lifespan: a negative one is none. */
        static long lifespanMs(Duration ttl) {
            return ttl.isZero() || ttl.isNegative() ? -1 : Math.max(1, ttl.toMillis());
        }
    }
}
