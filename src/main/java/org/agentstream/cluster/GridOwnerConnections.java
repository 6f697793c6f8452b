package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.access.CloseReasons;
import org.agentstream.access.LocalOwnerConnections;
import org.agentstream.access.OwnerConnections;

/**
 * Each owner's open connections over the whole cluster, oldest first: one grid entry per owner listing
 * {@code [member, connection id]} pairs, while the connections themselves stay in this node's
 * {@link LocalOwnerConnections}. A connection past the owner's limit evicts their oldest wherever it is open: here it
 * is returned to the caller to close, on another member that member is told to close it. Signing out and a session's
 * end close the connections here and tell every other member to close theirs. Connections of members no longer in
 * the view do not count.
 */
public class GridOwnerConnections implements OwnerConnections {

    static final String PREFIX = "connections:";
    /** The name of this seam in the broadcasts it sends. */
    static final String SEAM = "connections";
    private static final Logger LOG = Logger.getLogger(GridOwnerConnections.class.getName());

    /** What one member tells the others to close. */
    private enum Order {
        /** One connection, past its owner's limit. */
        EVICT,
        /** Every connection of an owner. */
        CLOSE_OWNER,
        /** Every connection opened with an HTTP session. */
        CLOSE_SESSION
    }

    private final Grid grid;
    private final SharedMap owners;
    private final LocalOwnerConnections local;
    /** Where the closes other members ask for run, off the engine's threads. */
    private final Executor closes;

    public GridOwnerConnections(Grid grid, LocalOwnerConnections local, Executor closes) {
        this.grid = grid;
        this.owners = grid.map(SharedMap.Name.OWNERS);
        this.local = local;
        this.closes = closes;
    }

    @Override
    public Optional<Session> open(String owner, Session session, int max) {
        local.open(owner, session, Integer.MAX_VALUE);
        String me = grid.localMember();
        List<List<String>> evicted = new ArrayList<>();
        owners.update(PREFIX + owner, current -> {
            evicted.clear();
            List<List<String>> open = live(current, grid.members());
            open.add(List.of(me, session.getId()));
            while (open.size() > Math.max(1, max)) {
                evicted.add(open.remove(0));
            }
            return encode(open);
        }, Duration.ZERO);
        Session closeHere = null;
        for (List<String> connection : evicted) {
            if (!connection.get(0).equals(me)) {
                send(Order.EVICT, owner, connection.get(0) + " " + connection.get(1));
            } else if (closeHere == null) {
                closeHere = local.find(owner, connection.get(1)).orElse(null);
            } else {
                local.find(owner, connection.get(1))
                        .ifPresent(extra -> close(extra, CloseReasons.TOO_MANY_CONNECTIONS));
            }
        }
        return Optional.ofNullable(closeHere);
    }

    @Override
    public void closed(String owner, Session session) {
        local.closed(owner, session);
        List<String> mine = List.of(grid.localMember(), session.getId());
        owners.update(PREFIX + owner, current -> {
            List<List<String>> open = live(current, grid.members());
            open.remove(mine);
            return encode(open);
        }, Duration.ZERO);
    }

    @Override
    public boolean awaitClosed(List<Session> closing, Duration timeout) {
        return local.awaitClosed(closing, timeout);
    }

    @Override
    public List<Session> closeAll(String owner, CloseReason reason) {
        send(Order.CLOSE_OWNER, owner, reason.getReasonPhrase());
        return local.closeAll(owner, reason);
    }

    @Override
    public List<Session> closeSession(String httpSessionId, CloseReason reason) {
        send(Order.CLOSE_SESSION, httpSessionId, reason.getReasonPhrase());
        return local.closeSession(httpSessionId, reason);
    }

    /** Another member's order (see {@link #send}); anything else is ignored. */
    void received(JsonObject message) {
        Order order;
        try {
            order = Order.valueOf(message.getString("order", ""));
        } catch (IllegalArgumentException notOurs) {
            return;
        }
        String subject = message.getString("subject", "");
        String detail = message.getString("detail", "");
        closes.execute(() -> {
            switch (order) {
                case EVICT -> evict(subject, detail);
                case CLOSE_OWNER -> CloseReasons.byPhrase(detail).ifPresent(reason -> local.closeAll(subject, reason));
                case CLOSE_SESSION -> CloseReasons.byPhrase(detail)
                        .ifPresent(reason -> local.closeSession(subject, reason));
            }
        });
    }

    private void evict(String owner, String memberAndId) {
        String prefix = grid.localMember() + " ";
        if (memberAndId.startsWith(prefix)) {
            local.find(owner, memberAndId.substring(prefix.length()))
                    .ifPresent(session -> close(session, CloseReasons.TOO_MANY_CONNECTIONS));
        }
    }

    /** Drops the connections of members not in {@code members} (the view changed). */
    void keepOnly(Set<String> members) {
        owners.updateAll(PREFIX, current -> encode(live(current, members)), Duration.ZERO);
    }

    private void send(Order order, String subject, String detail) {
        grid.broadcast(Json.createObjectBuilder().add("seam", SEAM).add("order", order.name())
                .add("subject", subject).add("detail", detail).build().toString());
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing a chat connection (" + reason.getReasonPhrase() + ") failed");
        }
    }

    private static List<List<String>> live(String json, Set<String> members) {
        List<List<String>> open = new ArrayList<>();
        if (json == null) {
            return open;
        }
        for (JsonValue value : Json.createReader(new StringReader(json)).readArray()) {
            if (value instanceof JsonArray pair && pair.size() == 2 && pair.get(0) instanceof JsonString member
                    && pair.get(1) instanceof JsonString id && members.contains(member.getString())) {
                open.add(List.of(member.getString(), id.getString()));
            }
        }
        return open;
    }

    private static String encode(List<List<String>> open) {
        if (open.isEmpty()) {
            return null;
        }
        JsonArrayBuilder array = Json.createArrayBuilder();
        open.forEach(pair -> array.add(Json.createArrayBuilder().add(pair.get(0)).add(pair.get(1))));
        return array.build().toString();
    }
}
