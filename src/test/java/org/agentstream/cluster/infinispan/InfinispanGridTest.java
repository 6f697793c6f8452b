package org.agentstream.cluster.infinispan;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.UnaryOperator;
import org.agentstream.cluster.Grid;
import org.agentstream.cluster.GridDeliveries;
import org.jgroups.JChannel;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grid's members and broadcasts over two JGroups channels in this JVM (JGroups' in-memory transport, no sockets),
 * as WildFly's fork channel gives them to it; the caches are WildFly's, proven on the local cluster
 * (docs/servers.md#cluster-wildfly).
 */
class InfinispanGridTest {

    private final List<JChannel> channels = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void closeChannels() {
        channels.forEach(JChannel::close);
        executor.shutdownNow();
    }

    private InfinispanGrid member(String name) throws Exception {
        JChannel channel = new JChannel(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), new NAKACK2(),
                new UNICAST3(), new STABLE(), new GMS().setJoinTimeout(1000)).name(name);
        channels.add(channel);
        channel.connect("grid-test");
        return new InfinispanGrid(channel, Map.of(), new GridDeliveries(executor, UnaryOperator.identity()));
    }

    /** What a member's listener heard, in order. */
    private static final class Heard implements Grid.Listener {

        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Set<String>> views = new LinkedBlockingQueue<>();

        @Override
        public void received(String message) {
            messages.add(message);
        }

        @Override
        public void membersChanged(Set<String> members) {
            views.add(members);
        }
    }

    @Test
    void everyMemberSeesBothByTheirNames() throws Exception {
        InfinispanGrid first = member("node-1");
        InfinispanGrid second = member("node-2");

        assertEquals("node-1", first.localMember());
        assertEquals(Set.of("node-1", "node-2"), first.members());
        assertEquals(Set.of("node-1", "node-2"), second.members());
    }

    @Test
    void broadcastsReachTheOtherMemberInTheOrderSentAndNotTheSender() throws Exception {
        InfinispanGrid first = member("node-1");
        InfinispanGrid second = member("node-2");
        Heard atFirst = new Heard();
        Heard atSecond = new Heard();
        first.listen(atFirst);
        second.listen(atSecond);

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add("sign-out " + i + " é");
            first.broadcast(sent.get(i));
        }
        second.broadcast("from node-2");

        List<String> received = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            String message = atSecond.messages.poll(5, SECONDS);
            assertNotNull(message, "message " + i + " arrived within 5 s");
            received.add(message);
        }
        assertEquals(sent, received);
        assertEquals("from node-2", atFirst.messages.poll(5, SECONDS));
        assertEquals(List.of(), List.copyOf(atFirst.messages), "node-1 does not hear its own broadcasts");
    }

    @Test
    void aMemberThatLeavesChangesTheOthersView() throws Exception {
        InfinispanGrid first = member("node-1");
        member("node-2");
        Heard atFirst = new Heard();
        first.listen(atFirst);

        channels.get(1).disconnect();

        assertEquals(Set.of("node-1"), atFirst.views.poll(5, SECONDS));
        assertEquals(Set.of("node-1"), first.members());
    }

    @Test
    void aClosedGridLetsGoOfTheChannelItDoesNotOwn() throws Exception {
        InfinispanGrid grid = member("node-1");
        grid.listen(new Heard());

        grid.close();

        assertNull(channels.get(0).getReceiver(), "no receiver of ours is left on the server's channel");
        assertTrue(channels.get(0).isConnected(), "the channel is the server's: it stays connected");
    }

    @Test
    void aTimeToLiveIsAnInfinispanLifespan() {
        assertEquals(-1, InfinispanGrid.CacheMap.lifespanMs(Duration.ZERO), "zero: no lifespan");
        assertEquals(1500, InfinispanGrid.CacheMap.lifespanMs(Duration.ofMillis(1500)));
        assertEquals(1, InfinispanGrid.CacheMap.lifespanMs(Duration.ofNanos(10)), "never zero, which would expire it");
    }
}
