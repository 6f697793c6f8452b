package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a member hears from the grid, handed to the seams: other members' orders to {@link GridOwnerConnections}, and
 * the view's changes to every seam that counts per member, which then drop what gone members left (off the engine's
 * threads, on {@code work}, against the view as it is when that runs).
 */
final class ClusterEvents implements Grid.Listener {

    private static final Logger LOG = Logger.getLogger(ClusterEvents.class.getName());

    private final Grid grid;
    private final GridOwnerConnections connections;
    private final GridOwnerReplies replies;
    private final Executor work;

    ClusterEvents(Grid grid, GridOwnerConnections connections, GridOwnerReplies replies, Executor work) {
        this.grid = grid;
        this.connections = connections;
        this.replies = replies;
        this.work = work;
    }

    @Override
    public void received(String message) {
        try (JsonReader reader = Json.createReader(new StringReader(message))) {
            JsonObject order = reader.readObject();
            if (GridOwnerConnections.SEAM.equals(order.getString("seam", ""))) {
                connections.received(order);
            }
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            LOG.log(Level.FINE, "A broadcast that is not ours: " + message, e);
        }
    }

    @Override
    public void membersChanged(Set<String> members) {
        LOG.log(Level.INFO, "agent-stream cluster view: {0}", members);
        work.execute(this::keepOnlyTheView);
    }

    /** Drops what members not in the view now left in the grid. */
    void keepOnlyTheView() {
        keepOnly(grid.members());
    }

    /** Drops what members other than {@code members} left in the grid. */
    void keepOnly(Set<String> members) {
        connections.keepOnly(members);
        replies.keepOnly(members);
    }
}
