package org.agentstream.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.agentstream.cluster.Grid;
import org.agentstream.cluster.GridDeliveries;
import org.agentstream.cluster.SharedMap;

/**
 * The {@link Grid} on Payara's data grid: the Hazelcast member that each Payara server runs and offers to applications
 * at JNDI {@value #JNDI_NAME}. Each {@link SharedMap.Name} is an {@link IMap} of strings ({@code agentstream-owners},
 * {@code agentstream-members}), broadcasts go through one {@link ITopic} of strings ({@value #TOPIC}, delivered on one
 * event thread per listener, so in the order each member published), and a member's id is its Hazelcast UUID.
 *
 * <p>The view is Hazelcast's member list: every server of the domain's grid, the DAS included, which does not run the
 * application and publishes nothing. A member that dies without leaving goes from the view when the grid's master
 * misses its heartbeats for {@code hazelcast.max.no.heartbeat.seconds} (Hazelcast's default 60 s; the cluster's
 * {@code server-config/payara/cluster.asadmin} sets less), or sooner when its connections are refused.
 *
 * <p>The listener's calls come off Hazelcast's event threads, in order, on the server's managed executor
 * ({@link GridDeliveries}), so the listener may use the grid and wait without holding up Hazelcast. The Hazelcast
 * member is the server's: {@link #close} removes this grid's listeners only. If an admin restarts the data grid
 * (a dynamic {@code set-hazelcast-configuration}), the application has to be restarted too to use the new member.
 */
public final class HazelcastGrid implements Grid {

    /** Where Payara binds its Hazelcast member (the default of {@code set-hazelcast-configuration --jndiname}). */
    static final String JNDI_NAME = "payara/Hazelcast";
    /** The topic every member's broadcasts go through. */
    static final String TOPIC = "agentstream-broadcasts";
    /** Payara's name for the domain administration server, its {@code com.sun.aas.instanceName}. */
    private static final String DAS = "server";

    private static final Logger LOG = Logger.getLogger(HazelcastGrid.class.getName());

    private final HazelcastInstance hazelcast;
    private final ITopic<String> topic;
    private final Map<SharedMap.Name, SharedMap> maps = new EnumMap<>(SharedMap.Name.class);
    private final Object lock = new Object();
    private Phase phase = Phase.OPEN;
    private Registrations registrations;
    private final GridDeliveries deliveries;

    /** A grid is open until it listens, and listens until it is closed; it has one listener at most. */
    private enum Phase { OPEN, LISTENING, CLOSED }

    private record Registrations(UUID membership, UUID topic) { }

    /** A grid whose events reach its listener on Hazelcast's event threads. */
    HazelcastGrid(HazelcastInstance hazelcast) {
        this(hazelcast, new GridDeliveries(Runnable::run, UnaryOperator.identity()));
    }

    /** A grid whose events reach its listener through {@code deliveries}. */
    HazelcastGrid(HazelcastInstance hazelcast, GridDeliveries deliveries) {
        this.hazelcast = hazelcast;
        this.deliveries = deliveries;
        this.topic = hazelcast.getTopic(TOPIC);
        for (SharedMap.Name name : SharedMap.Name.values()) {
            maps.put(name, new StringMap(hazelcast.getMap(mapName(name))));
        }
    }

    /**
     * The grid, when this server is a Payara Server instance (not the DAS) whose data grid is enabled; else empty,
     * and the application keeps its local implementations. The rule, and why:
     * <ul>
     * <li>An instance ({@code com.sun.aas.instanceName} other than {@code server}) is what a deployment group or a
     * cluster is made of, and its grid is the domain's: the same application on the group's other instances shares
     * it.</li>
     * <li>The DAS is left out: a single-node Payara Server (the run command, the ITs' domain) is a DAS alone, where
     * the grid would only add a serialisation to every count; and in a domain with instances, the application is
     * deployed to them, not to the DAS, which is a member of their grid without the application.</li>
     * <li>Payara Micro names its server {@code server} too, so it keeps its local implementations: with
     * {@code --nocluster} (the run command) it has no cluster, and Micro instances that cluster by themselves on a
     * network are not a deployment an admin made for this application.</li>
     * <li>With the data grid disabled ({@code set-hazelcast-configuration --enabled=false}) nothing is bound at
     * {@value #JNDI_NAME}: empty.</li>
     * </ul>
     */
    public static Optional<Grid> find() {
        String instance = System.getProperty("com.sun.aas.instanceName");
        if (instance == null || DAS.equals(instance)) {
            LOG.log(Level.FINE, "Server {0} is not an instance of a Payara domain: no grid", instance);
            return Optional.empty();
        }
        try {
            Object bound = new InitialContext().lookup(JNDI_NAME);
            if (bound instanceof HazelcastInstance member && member.getLifecycleService().isRunning()) {
                return Optional.of(new HazelcastGrid(member, GridDeliveries.onManagedThreads()));
            }
            LOG.log(Level.INFO, "The data grid at {0} is not running: no grid", JNDI_NAME);
        } catch (NamingException e) {
            LOG.log(Level.INFO, "No data grid at {0} (disabled?): no grid", JNDI_NAME);
        }
        return Optional.empty();
    }

    /** The name of that map in the grid. */
    static String mapName(SharedMap.Name name) {
        return "agentstream-" + name.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String localMember() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public Set<String> members() {
        return ids(hazelcast.getCluster().getMembers());
    }

    @Override
    public SharedMap map(SharedMap.Name name) {
        return maps.get(name);
    }

    @Override
    public void broadcast(String message) {
        topic.publish(message);
    }

    @Override
    public void listen(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                throw new IllegalStateException(phase == Phase.LISTENING ? "The grid has its listener" : "Closed");
            }
            // a member gets its own messages too: only other members' reach the listener
            deliveries.listen(listener);
            UUID fromTopic = topic.addMessageListener(message -> {
                if (!message.getPublishingMember().localMember()) {
                    String text = message.getMessageObject();
                    deliveries.offer(to -> to.received(text));
                }
            });
            UUID fromCluster = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {
                    Set<String> members = ids(event.getMembers());
                    deliveries.offer(to -> to.membersChanged(members));
                }

                @Override
                public void memberRemoved(MembershipEvent event) {
                    Set<String> members = ids(event.getMembers());
                    deliveries.offer(to -> to.membersChanged(members));
                }
            });
            registrations = new Registrations(fromCluster, fromTopic);
            phase = Phase.LISTENING;
        }
    }

    @Override
    public void close() {
        Registrations listening;
        synchronized (lock) {
            listening = registrations;
            registrations = null;
            deliveries.listen(null);
            phase = Phase.CLOSED;
        }
        if (listening == null || !hazelcast.getLifecycleService().isRunning()) {
            return;
        }
        try {
            hazelcast.getCluster().removeMembershipListener(listening.membership());
            topic.removeMessageListener(listening.topic());
        } catch (HazelcastException e) {
            LOG.log(Level.FINE, "The data grid stopped before its listeners were removed", e);
        }
    }

    private static Set<String> ids(Collection<Member> members) {
        return members.stream().map(member -> member.getUuid().toString()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * A {@link SharedMap} on an {@link IMap}. Hazelcast has no conditional replace that sets a time to live: a
     * replace takes the map's own (none), then {@link IMap#setTtl} sets it again. A member that dies between the two
     * leaves that entry without one until it is next written.
     */
    private static final class StringMap implements SharedMap {

        /** Hazelcast's name for an entry's key in a predicate. */
        private static final String KEY = "__key";

        private final IMap<String, String> map;

        StringMap(IMap<String, String> map) {
            this.map = map;
        }

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public Map<String, String> getAll(Collection<String> keys) {
            return map.getAll(new HashSet<>(keys));
        }

        /** Hazelcast's putAll takes no time to live: the puts go out together, and this waits for all of them. */
        @Override
        public void putAll(Map<String, String> entries, Duration ttl) {
            List<CompletableFuture<String>> puts = new ArrayList<>(entries.size());
            entries.forEach((key, value) ->
                    puts.add(map.putAsync(key, value, millis(ttl), TimeUnit.MILLISECONDS).toCompletableFuture()));
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        }

        @Override
        public void removeAll(Collection<String> keys) {
            List<CompletableFuture<String>> removals = new ArrayList<>(keys.size());
            keys.forEach(key -> removals.add(map.removeAsync(key).toCompletableFuture()));
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).join();
        }

        @Override
        public boolean putIfAbsent(String key, String value, Duration ttl) {
            return map.putIfAbsent(key, value, millis(ttl), TimeUnit.MILLISECONDS) == null;
        }

        @Override
        public boolean replace(String key, String expected, String value, Duration ttl) {
            if (!map.replace(key, expected, value)) {
                return false;
            }
            if (!ttl.isZero()) {
                map.setTtl(key, millis(ttl), TimeUnit.MILLISECONDS);
            }
            return true;
        }

        @Override
        public boolean remove(String key, String expected) {
            return map.remove(key, expected);
        }

        @Override
        public Map<String, String> entries(String prefix) {
            // the members holding the entries filter them; LIKE cannot say a backslash, so then this node does
            Set<Map.Entry<String, String>> found = prefix.isEmpty() || prefix.indexOf('\\') >= 0
                    ? map.entrySet()
                    : map.entrySet(Predicates.like(KEY, prefix.replace("%", "\\%").replace("_", "\\_") + "%"));
            Map<String, String> copy = new HashMap<>();
            for (Map.Entry<String, String> entry : found) {
                if (entry.getKey().startsWith(prefix)) {
                    copy.put(entry.getKey(), entry.getValue());
                }
            }
            return copy;
        }

        /** Zero is Hazelcast's "never"; a positive time to live under a millisecond is one. */
        private static long millis(Duration ttl) {
            return ttl.isZero() ? 0 : Math.max(1, ttl.toMillis());
        }
    }
}
