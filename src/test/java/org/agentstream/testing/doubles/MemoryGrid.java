package org.agentstream.testing.doubles;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.agentstream.cluster.Grid;
import org.agentstream.cluster.SharedMap;

/**
 * A cluster's grid in one JVM, for unit tests of the seams built on {@link Grid}: its members share maps (no time to
 * live: entries stay until removed), a broadcast reaches every other member's listener at once on the sender's
 * thread, and a member that {@linkplain #leave leaves} is gone from the view, which the others hear.
 */
public final class MemoryGrid {

    private final Map<SharedMap.Name, ConcurrentMap<String, String>> maps = new EnumMap<>(SharedMap.Name.class);
    private final Map<String, Member> members = new LinkedHashMap<>();

    public MemoryGrid() {
        for (SharedMap.Name name : SharedMap.Name.values()) {
            maps.put(name, new ConcurrentHashMap<>());
        }
    }

    /** A new member of that id, in the view from now on. */
    public synchronized Grid join(String id) {
        Member member = new Member(id);
        members.put(id, member);
        announce();
        return member;
    }

    /** The member leaves the view (as if it stopped or was killed); the others hear of it. */
    public synchronized void leave(String id) {
        members.remove(id);
        announce();
    }

    /** The raw entries of a map, as the engine holds them. */
    public Map<String, String> entries(SharedMap.Name name) {
        return new TreeMap<>(maps.get(name));
    }

    private void announce() {
        Set<String> view = Set.copyOf(members.keySet());
        members.values().forEach(member -> {
            if (member.listener != null) {
                member.listener.membersChanged(view);
            }
        });
    }

    private final class Member implements Grid {

        private final String id;
        private volatile Listener listener;

        private Member(String id) {
            this.id = id;
        }

        @Override
        public String localMember() {
            return id;
        }

        @Override
        public Set<String> members() {
            synchronized (MemoryGrid.this) {
                return Set.copyOf(members.keySet());
            }
        }

        @Override
        public SharedMap map(SharedMap.Name name) {
            ConcurrentMap<String, String> map = maps.get(name);
            return new SharedMap() {
                @Override
                public String get(String key) {
                    return map.get(key);
                }

                @Override
                public Map<String, String> getAll(Collection<String> keys) {
                    Map<String, String> found = new TreeMap<>();
                    keys.forEach(key -> {
                        String value = map.get(key);
                        if (value != null) {
                            found.put(key, value);
                        }
                    });
                    return found;
                }

                @Override
                public void putAll(Map<String, String> entries, Duration ttl) {
                    map.putAll(entries);
                }

                @Override
                public void removeAll(Collection<String> keys) {
                    keys.forEach(map::remove);
                }

                @Override
                public boolean putIfAbsent(String key, String value, Duration ttl) {
                    return map.putIfAbsent(key, value) == null;
                }

                @Override
                public boolean replace(String key, String expected, String value, Duration ttl) {
                    return map.replace(key, expected, value);
                }

                @Override
                public boolean remove(String key, String expected) {
                    return map.remove(key, expected);
                }

                @Override
                public Map<String, String> entries(String prefix) {
                    Map<String, String> copy = new TreeMap<>(map);
                    copy.keySet().removeIf(key -> !key.startsWith(prefix));
                    return copy;
                }
            };
        }

        @Override
        public void broadcast(String message) {
            for (Member member : Set.copyOf(liveMembers())) {
                if (member != this && member.listener != null) {
                    member.listener.received(message);
                }
            }
        }

        private Set<Member> liveMembers() {
            synchronized (MemoryGrid.this) {
                return Set.copyOf(members.values());
            }
        }

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
            listener = null;
        }
    }
}
