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
 * What a member hears from the grid, handed to the seams: other members' orders to {@link GridOwnerConnections} and
 * {@link GridReplyDirectory} (on the engine's thread, in order), and the view's changes to every seam that counts per
 * member or runs replies, which then drop what gone members left and end their replies (off the engine's threads, on
 * {@code work}, against the view as it is when that runs).
 */
final class ClusterEvents implements Grid.Listener {

    private static final Logger LOG = Logger.getLogger(ClusterEvents.class.getName());

    private final Grid grid;
    private final GridOwnerConnections connections;
    private final GridOwnerReplies replies;
    private final GridReplyDirectory directory;
    private final Executor work;

    ClusterEvents(Grid grid, GridOwnerConnections connections, GridOwnerReplies replies,
            GridReplyDirectory directory, Executor work) {
        this.grid = grid;
        this.connections = connections;
        this.replies = replies;
        this.directory = directory;
        this.work = work;
    }

    @Override
    public void received(String message) {
        try (JsonReader reader = Json.createReader(new StringReader(message))) {
            JsonObject order = reader.readObject();
            String seam = order.getString("seam", "");
            if (GridReplyDirectory.SEAM.equals(seam)) {
                directory.received(order); // here, on the grid's thread: a reply's frames keep their order
            } else if (GridOwnerConnections.SEAM.equals(seam)) {
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

    /** Drops what members not in the view now left in the grid, and ends the replies they were running. */
    void keepOnlyTheView() {
        Set<String> members = grid.members();
        keepOnly(members);
        directory.membersChanged(members);
    }

    /** Drops what members other than {@code members} left in the grid. */
    void keepOnly(Set<String> members) {
        connections.keepOnly(members);
        replies.keepOnly(members);
    }
}
