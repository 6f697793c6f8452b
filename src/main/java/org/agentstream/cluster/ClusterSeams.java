package org.agentstream.cluster;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.access.EndedSessions;
import org.agentstream.access.LocalMessageRate;
import org.agentstream.access.LocalOwnerConnections;
import org.agentstream.access.LocalSignInFailures;
import org.agentstream.access.MessageRate;
import org.agentstream.access.OwnerConnections;
import org.agentstream.access.SignInFailures;
import org.agentstream.cluster.hazelcast.HazelcastGrid;
import org.agentstream.cluster.infinispan.InfinispanGrid;
import org.agentstream.config.NodeName;
import org.agentstream.streaming.ClusterMembers;
import org.agentstream.streaming.LocalOwnerReplies;
import org.agentstream.streaming.LocalReplyDirectory;
import org.agentstream.streaming.OwnerReplies;
import org.agentstream.streaming.ReplyDirectory;
import org.agentstream.streaming.ReplyRecorder;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamingService;

/**
 * Chooses, when the application starts, how the seams that could cross nodes are implemented: over the server's grid
 * when this node is a member of a cluster that runs the application (Infinispan on WildFly with server-config's
 * cache container, Hazelcast on a Payara instance of a deployment group), else this node's own. It produces the
 * chosen {@link OwnerConnections}, {@link OwnerReplies}, {@link MessageRate}, {@link SignInFailures},
 * {@link EndedSessions}, {@link ClusterMembers} and {@link ReplyDirectory}, hears the grid's broadcasts and view
 * changes for them, and publishes this node's figures while it runs.
 */
@ApplicationScoped
public class ClusterSeams {

    private static final Logger LOG = Logger.getLogger(ClusterSeams.class.getName());

    @Inject
    private LocalOwnerConnections localConnections;

    @Inject
    private LocalOwnerReplies localReplies;

    @Inject
    private LocalMessageRate localRate;

    @Inject
    private LocalSignInFailures localSignInFailures;

    @Inject
    private LocalReplyDirectory localDirectory;

    @Inject
    private StreamSettings streamSettings;

    /** Stores a reply that a member which left was running; read when one is. */
    @Inject
    private Instance<ReplyRecorder> recorder;

    /** Read only for this node's figures, once the application runs (it needs the seams made here). */
    @Inject
    private Instance<StreamingService> streaming;

    @Resource
    private ManagedScheduledExecutorService executor;

    private Grid grid;
    private OwnerConnections connections;
    private OwnerReplies replies;
    private MessageRate rate;
    private SignInFailures signInFailures;
    private EndedSessions endedSessions;
    private ClusterMembers members;
    private ReplyDirectory directory;
    private ScheduledFuture<?> publishing;
    /** The server's name for this node, as /status shows it. */
    private final String node = NodeName.ofThisServer();

    /** Makes the choice when the application starts, so that a node shows in the cluster before its first user. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.log(Level.FINE, "Seams: {0}", connections.getClass().getSimpleName());
    }

    @PostConstruct
    void choose() {
        Optional<Grid> found = findGrid();
        if (found.isEmpty()) {
            connections = localConnections;
            replies = localReplies;
            rate = localRate;
            signInFailures = localSignInFailures;
            endedSessions = EndedSessions.ONE_NODE;
            members = () -> List.of(here());
            directory = localDirectory;
            LOG.info("agent-stream runs on this node alone: its per-user limits count this node's connections");
            return;
        }
        grid = found.get();
        GridOwnerConnections gridConnections = new GridOwnerConnections(grid, localConnections, executor);
        GridOwnerReplies gridReplies = new GridOwnerReplies(grid);
        GridMembers gridMembers = new GridMembers(grid, this::here);
        connections = gridConnections;
        replies = gridReplies;
        rate = new GridMessageRate(grid, System::currentTimeMillis);
        signInFailures = new GridSignInFailures(grid, System::currentTimeMillis);
        endedSessions = new GridEndedSessions(grid);
        members = gridMembers;
        GridReplyDirectory gridDirectory = new GridReplyDirectory(grid, localDirectory, executor, executor,
                streamSettings::current, recorder::get);
        directory = gridDirectory;
        ClusterEvents events = new ClusterEvents(grid, gridConnections, gridReplies, gridDirectory, executor);
        Set<String> others = new HashSet<>(grid.members());
        others.remove(grid.localMember());
        events.keepOnly(others); // what an earlier run of this node under the same member id left no longer counts
        try {
            gridDirectory.endEarlierRunsReplies();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The replies an earlier run of this node left streaming were not ended", e);
        }
        grid.listen(events);
        long every = GridMembers.PUBLISH_EVERY.toMillis();
        publishing = executor.scheduleAtFixedRate(gridMembers::publish, 0, every, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "agent-stream runs as member {0} of a cluster of {1}: per-user limits, sign-out and "
                + "/status cover every node", new Object[] {grid.localMember(), grid.members().size()});
    }

    @PreDestroy
    void stop() {
        if (publishing != null) {
            publishing.cancel(false);
        }
        if (grid != null) {
            grid.close();
        }
    }

    @Produces
    OwnerConnections connections() {
        return connections;
    }

    @Produces
    OwnerReplies replies() {
        return replies;
    }

    @Produces
    MessageRate rate() {
        return rate;
    }

    @Produces
    SignInFailures signInFailures() {
        return signInFailures;
    }

    @Produces
    EndedSessions endedSessions() {
        return endedSessions;
    }

    @Produces
    ClusterMembers members() {
        return members;
    }

    @Produces
    ReplyDirectory directory() {
        return directory;
    }

    /** This node's name and figures now. */
    private ClusterMembers.Member here() {
        int active = streaming.isResolvable() ? streaming.get().stats().activeStreams() : 0;
        return new ClusterMembers.Member(node, active, localConnections.openCount());
    }

    /**
     * The server's grid, when this node is in a cluster that runs the application. Each engine's classes are
     * touched only on the server that has it: the other server's would not load.
     */
    private static Optional<Grid> findGrid() {
        try {
            if (visible("org.infinispan.Cache")) {
                return InfinispanGrid.find();
            }
            if (visible("com.hazelcast.core.HazelcastInstance")) {
                return HazelcastGrid.find();
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "The server's grid could not be used; this node counts on its own", e);
        }
        return Optional.empty();
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, ClusterSeams.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
