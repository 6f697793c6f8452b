package org.agentstream.cluster.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryExpiredListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.agentstream.cluster.Grid;
import org.agentstream.cluster.SharedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HazelcastGrid on two Hazelcast members of this JVM (a third joins and leaves), as Payara's instances are: what one
 * member writes or broadcasts, the other sees.
 */
class HazelcastGridTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLUSTER = "agentstream-test-" + UUID.randomUUID();

    private static HazelcastInstance first;
    private static HazelcastInstance second;
    private final List<Grid> grids = new ArrayList<>();

    @BeforeAll
    static void startTwoMembers() {
        first = Hazelcast.newHazelcastInstance(config(null));
        second = Hazelcast.newHazelcastInstance(config(first));
        assertEquals(2, second.getCluster().getMembers().size());
    }

    @AfterAll
    static void stopMembers() {
        second.shutdown();
        first.shutdown();
    }

    @AfterEach
    void closeGrids() {
        grids.forEach(Grid::close);
    }

    @Test
    void findIsEmptyOffAPayaraInstance() {
        assertTrue(HazelcastGrid.find().isEmpty());
    }

    @Test
    void eachMemberSeesBothAndItself() {
        Grid one = grid(first);
        Grid two = grid(second);
        assertEquals(Set.of(one.localMember(), two.localMember()), one.members());
        assertEquals(one.members(), two.members());
    }

    @Test
    void anEntryPutOnOneMemberIsSeenOnTheOther() {
        SharedMap one = grid(first).map(SharedMap.Name.OWNERS);
        SharedMap two = grid(second).map(SharedMap.Name.OWNERS);
        String key = key();
        assertTrue(one.putIfAbsent(key, "a", Duration.ZERO));
        assertEquals("a", two.get(key));
        assertFalse(two.putIfAbsent(key, "b", Duration.ZERO));
        assertEquals("a", one.get(key));
    }

    @Test
    void aReplaceFromAnOutdatedValueFails() {
        SharedMap one = grid(first).map(SharedMap.Name.MEMBERS);
        SharedMap two = grid(second).map(SharedMap.Name.MEMBERS);
        String key = key();
        one.putIfAbsent(key, "a", Duration.ZERO);
        assertTrue(one.replace(key, "a", "b", Duration.ZERO));
        assertFalse(two.replace(key, "a", "c", Duration.ZERO));
        assertFalse(two.remove(key, "a"));
        assertEquals("b", two.get(key));
        assertEquals("b+", two.update(key, current -> current + "+", Duration.ZERO));
        assertTrue(one.remove(key, "b+"));
        assertNull(two.get(key));
    }

    @Test
    void theMapsAreApart() {
        Grid one = grid(first);
        String key = key();
        one.map(SharedMap.Name.OWNERS).putIfAbsent(key, "owner", Duration.ZERO);
        assertNull(one.map(SharedMap.Name.MEMBERS).get(key));
    }

    @Test
    void entriesAreThoseWithThePrefix() {
        SharedMap one = grid(first).map(SharedMap.Name.OWNERS);
        SharedMap two = grid(second).map(SharedMap.Name.OWNERS);
        String prefix = key() + ":";
        one.putIfAbsent(prefix + "1", "a", Duration.ZERO);
        one.putIfAbsent(prefix + "2", "b", Duration.ZERO);
        one.putIfAbsent(prefix.replace(':', '_') + "3", "c", Duration.ZERO);
        one.putIfAbsent(prefix + "_%\\4", "d", Duration.ZERO);
        assertEquals(Map.of(prefix + "1", "a", prefix + "2", "b", prefix + "_%\\4", "d"), two.entries(prefix));
        assertEquals(Map.of(prefix + "_%\\4", "d"), two.entries(prefix + "_%"));
        assertEquals(Map.of(prefix + "_%\\4", "d"), two.entries(prefix + "_%\\"));
        assertTrue(two.entries("").keySet().containsAll(two.entries(prefix).keySet()));
    }

    @Test
    void writesSetTheTimeToLive() {
        SharedMap one = grid(first).map(SharedMap.Name.OWNERS);
        var raw = second.<String, String>getMap(HazelcastGrid.mapName(SharedMap.Name.OWNERS));
        String key = key();
        one.putIfAbsent(key, "a", Duration.ofMinutes(1));
        assertEquals(60_000, raw.getEntryView(key).getTtl());
        one.replace(key, "a", "b", Duration.ofMinutes(2));
        assertEquals(120_000, raw.getEntryView(key).getTtl());
        one.replace(key, "b", "c", Duration.ZERO);
        assertEquals(Long.MAX_VALUE, raw.getEntryView(key).getTtl());
    }

    @Test
    void anEntryGoesAfterItsTimeToLive() throws InterruptedException {
        SharedMap one = grid(first).map(SharedMap.Name.OWNERS);
        String key = key();
        CountDownLatch expired = new CountDownLatch(1);
        var raw = second.<String, String>getMap(HazelcastGrid.mapName(SharedMap.Name.OWNERS));
        UUID registration = raw.addEntryListener((EntryExpiredListener<String, String>) event -> {
            if (event.getKey().equals(key)) {
                expired.countDown();
            }
        }, false);
        try {
            one.putIfAbsent(key, "a", Duration.ZERO);
            one.replace(key, "a", "b", Duration.ofMillis(200));
            assertTrue(expired.await(WAIT.toSeconds(), SECONDS), "the entry did not expire");
            assertNull(one.get(key));
        } finally {
            raw.removeEntryListener(registration);
        }
    }

    @Test
    void aBroadcastReachesTheOtherMemberInOrderAndNotItsSender() throws InterruptedException {
        Grid one = grid(first);
        Grid two = grid(second);
        BlockingQueue<String> atOne = listen(one, new LinkedBlockingQueue<>());
        BlockingQueue<String> atTwo = listen(two, new LinkedBlockingQueue<>());
        for (int i = 0; i < 20; i++) {
            one.broadcast("from one " + i);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("from one " + i, atTwo.poll(WAIT.toSeconds(), SECONDS));
        }
        two.broadcast("from two");
        // had one heard its own, those would have come first: they were published before
        assertEquals("from two", atOne.poll(WAIT.toSeconds(), SECONDS));
        assertTrue(atTwo.isEmpty());
    }

    @Test
    void theListenerHearsAMemberJoinAndLeave() throws InterruptedException {
        Grid one = grid(first);
        BlockingQueue<Set<String>> views = new LinkedBlockingQueue<>();
        one.listen(new Grid.Listener() {
            @Override
            public void received(String message) {
            }

            @Override
            public void membersChanged(Set<String> members) {
                views.add(members);
            }
        });
        HazelcastInstance third = Hazelcast.newHazelcastInstance(config(first));
        String thirdId = third.getCluster().getLocalMember().getUuid().toString();
        Set<String> joined = views.poll(WAIT.toSeconds(), SECONDS);
        assertEquals(3, joined.size());
        assertTrue(joined.contains(thirdId));
        third.shutdown();
        Set<String> left = views.poll(WAIT.toSeconds(), SECONDS);
        assertEquals(Set.of(one.localMember(), second.getCluster().getLocalMember().getUuid().toString()), left);
        assertEquals(left, one.members());
    }

    private Grid grid(HazelcastInstance member) {
        Grid grid = new HazelcastGrid(member);
        grids.add(grid);
        return grid;
    }

    private static BlockingQueue<String> listen(Grid grid, BlockingQueue<String> received) {
        grid.listen(new Grid.Listener() {
            @Override
            public void received(String message) {
                received.add(message);
            }

            @Override
            public void membersChanged(Set<String> members) {
            }
        });
        return received;
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    /** A member on loopback, on a port the system picks, that joins {@code existing} (none: the first). */
    private static Config config(HazelcastInstance existing) {
        Config config = new Config().setClusterName(CLUSTER);
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.internal.map.expiration.task.period.seconds", "1");
        config.getNetworkConfig().setPort(0).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        if (existing != null) {
            join.getTcpIpConfig().addMember("127.0.0.1:"
                    + existing.getCluster().getLocalMember().getAddress().getPort());
        }
        return config;
    }
}
