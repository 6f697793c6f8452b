package org.agentstream.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.streaming.Admission;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.EndedReply;
import org.agentstream.streaming.LocalReplyDirectory;
import org.agentstream.streaming.ReplyDirectory;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.ReplyFailure;
import org.agentstream.streaming.ReplyLog;
import org.agentstream.streaming.ReplyRecorder;
import org.agentstream.streaming.ReplySink;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.streaming.StreamingService;
import org.agentstream.wire.WireTime;

/**
 * The replies a client may resume, over the whole cluster: each reply runs on the member that admitted it (held in its
 * {@link LocalReplyDirectory}) and logs itself in the grid as it goes ({@link GridReplyLog}), so a client of its owner
 * can resume it on any member.
 *
 * <p><b>Resume elsewhere.</b> A resume of a reply this member does not hold reads the reply's header in the grid: of
 * another owner, or none, it is unknown; ended, the client gets what it lacks from the grid's log and the end; running
 * on another member, a {@link RelayedReply} here asks that member to move the reply to a {@link RelaySink} that sends
 * its frames here, and passes them on to the client.
 *
 * <p><b>A member leaves.</b> Every member that hears of a new view ends as interrupted each reply whose member left
 * while it streamed: a conditional write of its header decides which member does it, and that one stores it (its
 * {@link ReplyRecorder}) with the chunks it logged. Relays whose source left finish from the log; replies running here
 * for a member that left wait for a resume, as if their connection were lost.
 */
final class GridReplyDirectory implements ReplyDirectory {

    private static final Logger LOG = Logger.getLogger(GridReplyDirectory.class.getName());
    /** The name of this seam in the broadcasts it sends. */
    static final String SEAM = "replies";
    /** How much longer than a reply may run its log stays in the grid if no member ends it (all of them died). */
    private static final Duration RUNNING_MARGIN = Duration.ofMinutes(1);
    /** How long that is for a reply with no bound on its time. */
    private static final Duration UNBOUNDED_REPLY = Duration.ofDays(1);
    /** The least time an ended reply's log is kept, for a resume that raced its end. */
    static final Duration MIN_KEEP = Duration.ofSeconds(5);

    private final Grid grid;
    private final SharedMap replies;
    private final LocalReplyDirectory local;
    private final GridLogWriter writer;
    private final ScheduledExecutorService timer;
    private final Supplier<StreamSettings.Values> settings;
    private final Executor work;
    private final Supplier<ReplyRecorder> recorder;
    private final LongSupplier nanoClock;
    /** Logs of admitted replies, until they start (their header is written then) or are forgotten. */
    private final Map<String, GridReplyLog> starting = new ConcurrentHashMap<>();
    /** Replies of other members relayed to clients here, by relay id. */
    private final Map<String, RelayedReply> relays = new ConcurrentHashMap<>();
    /** Replies running here relayed to clients on other members, by relay id. */
    private final Map<String, Served> served = new ConcurrentHashMap<>();

    /** A reply moved to a client of {@code member}: it is held on this stand-in for that client's connection. */
    private record Served(String member, String messageId, ConnectionStreams connection) {
    }

    /**
     * {@code writes}: where the log's writes to the grid run, and the calls made after them; {@code timer}: removes
     * ended logs; {@code settings}: the streaming settings now (the resume window is how long an ended reply's log
     * stays); {@code recorder}: stores a reply this member ends for a member that left.
     */
    GridReplyDirectory(Grid grid, LocalReplyDirectory local, Executor writes, ScheduledExecutorService timer,
            Supplier<StreamSettings.Values> settings, Supplier<ReplyRecorder> recorder) {
        this(grid, local, writes, timer, settings, recorder, System::nanoTime);
    }

    /** {@code nanoClock}: the streaming core's clock, which a chunk sent to another member is written at. */
    GridReplyDirectory(Grid grid, LocalReplyDirectory local, Executor writes, ScheduledExecutorService timer,
            Supplier<StreamSettings.Values> settings, Supplier<ReplyRecorder> recorder, LongSupplier nanoClock) {
        this.grid = grid;
        this.nanoClock = nanoClock;
        this.replies = grid.map(SharedMap.Name.REPLIES);
        this.local = local;
        this.writer = new GridLogWriter(replies, writes);
        this.timer = timer;
        this.settings = settings;
        this.work = writes;
        this.recorder = recorder;
    }

    SharedMap replies() {
        return replies;
    }

    GridLogWriter writer() {
        return writer;
    }

    // ---- the seam

    @Override
    public void register(Admission reply) {
        local.register(reply);
    }

    @Override
    public ReplyLog newLog(String messageId) {
        GridReplyLog log = new GridReplyLog(messageId, local.newLog(messageId), this);
        starting.put(messageId, log);
        return log;
    }

    @Override
    public void started(Admission reply, String turn) {
        GridReplyLog log = starting.remove(reply.messageId());
        if (log != null) {
            log.started(ReplyRecords.Header.streaming(reply.messageId(), reply.owner(), grid.localMember(),
                    reply.replyTo(), turn));
        }
    }

    @Override
    public StreamingService.Resume handOver(String messageId, ConnectionStreams connection, ReplySink sink,
            int afterSeq) {
        StreamingService.Resume here = local.handOver(messageId, connection, sink, afterSeq);
        if (here != StreamingService.Resume.UNKNOWN || messageId == null) {
            return here;
        }
        if (connection.holds(messageId)) {
            return StreamingService.Resume.ALREADY_HERE; // relayed here already
        }
        ReplyRecords.Header header = ReplyRecords.Header.read(replies, messageId);
        if (header == null || !header.owner().equals(connection.owner())) {
            return StreamingService.Resume.UNKNOWN;
        }
        String source = header.member();
        if (header.isStreaming() && source.equals(grid.localMember())) {
            return StreamingService.Resume.UNKNOWN; // it streams here and is not held for resuming: the window is off
        }
        RelayedReply relay = new RelayedReply(this, UUID.randomUUID().toString(), header, connection, sink, afterSeq);
        if (!header.isStreaming() || !grid.members().contains(source)) {
            if (header.isStreaming()) {
                claim(header); // its member is gone, and the view's change may not have been heard here yet
            }
            relay.finishFromLog();
            return StreamingService.Resume.RESUMED;
        }
        relays.put(relay.relayId(), relay);
        // the resume goes out before the connection's end can send the relay's detach, which must follow it
        relay.start(() -> {
            connection.add(relay);
            send(source, relay.relayId(), "resume", order -> order.add("id", messageId)
                    .add("owner", connection.owner()).add("afterSeq", relay.afterSeq())
                    .add("from", grid.localMember()));
        });
        if (!grid.members().contains(source)) {
            relay.finishFromLog(); // it left before it could hear the resume, and the view's change came first
        }
        return StreamingService.Resume.RESUMED;
    }

    @Override
    public void forget(Admission reply) {
        starting.remove(reply.messageId());
        local.forget(reply);
    }

    @Override
    public void forgetAfter(Admission reply, Duration window) {
        local.forgetAfter(reply, window);
    }

    @Override
    public boolean holds(String messageId) {
        return local.holds(messageId);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public int interruptAll() {
        return local.interruptAll();
    }

    // ---- messages between members

    /** Sends {@code order} about relay {@code relayId} to {@code member}. */
    void send(String member, String relayId, String order, Consumer<JsonObjectBuilder> details) {
        JsonObjectBuilder message = Json.createObjectBuilder().add("seam", SEAM).add("to", member)
                .add("relay", relayId).add("order", order);
        if (details != null) {
            details.accept(message);
        }
        grid.broadcast(message.build().toString());
    }

    /** Another member's order, in the order it sent them; one for another member is not this one's business. */
    void received(JsonObject message) {
        if (!grid.localMember().equals(message.getString("to", ""))) {
            return;
        }
        String relayId = message.getString("relay");
        switch (message.getString("order")) {
            case "resume" -> serve(relayId, message);
            case "cancel" -> withServed(relayId, false, served -> served.connection().cancel(served.messageId()));
            case "disconnect" -> withServed(relayId, true, served -> served.connection().disconnect());
            case "detach" -> withServed(relayId, true, served -> served.connection().detach());
            default -> relayed(relayId, message);
        }
    }

    /** A client on another member resumes a reply that runs here: it moves to a sink that sends its frames there. */
    private void serve(String relayId, JsonObject order) {
        String member = order.getString("from");
        if (!grid.members().contains(member)) {
            return; // it left: its client is gone with it
        }
        String messageId = order.getString("id");
        RelaySink sink = new RelaySink(this, member, relayId, nanoClock);
        ConnectionStreams connection = new ConnectionStreams(order.getString("owner"), sink);
        served.put(relayId, new Served(member, messageId, connection));
        StreamingService.Resume result = local.handOver(messageId, connection, sink, order.getInt("afterSeq"));
        if (result != StreamingService.Resume.RESUMED) {
            served.remove(relayId);
            send(member, relayId, "gone", null);
        }
    }

    private void withServed(String relayId, boolean last, Consumer<Served> order) {
        Served found = last ? served.remove(relayId) : served.get(relayId);
        if (found != null) {
            order.accept(found);
        }
    }

    /** The served reply ended or moved on: its relay hears nothing more from here. */
    void servedEnded(String relayId) {
        served.remove(relayId);
    }

    /** A frame of a reply relayed here. */
    private void relayed(String relayId, JsonObject message) {
        RelayedReply relay = relays.get(relayId);
        if (relay == null) {
            return;
        }
        switch (message.getString("order")) {
            case "chunk" -> relay.chunk(message.getInt("seq"), RelaySink.event(message),
                    message.getBoolean("replayed", false), message.getJsonNumber("sentAt").longValue());
            case "end" -> relay.ended(new ReplyEnd(StreamStatus.valueOf(message.getString("status")),
                    message.getInt("chunks"), message.containsKey("failure") ? new ReplyFailure(
                            AgentFailure.Kind.valueOf(message.getString("failure")),
                            message.getString("failureMessage", "")) : null,
                    ReplyRecords.endUsage(message), ReplyRecords.endFirstChunkMs(message)));
            case "moved" -> relay.moved();
            case "gone" -> {
                // it ended and was forgotten there, or it streams there on a connection that keeps it (with no
                // resume window a reply is held by its first connection alone)
                ReplyRecords.Header header = ReplyRecords.Header.read(replies, relay.messageId());
                if (header != null && header.isStreaming()) {
                    relay.moved();
                } else {
                    relay.finishFromLog();
                }
            }
            default -> LOG.log(Level.FINE, "An order this member does not know: {0}", message);
        }
    }

    void relayEnded(RelayedReply relay) {
        relays.remove(relay.relayId(), relay);
    }

    // ---- members leaving

    /**
     * The view changed to {@code members}: replies that streamed on members gone end as interrupted (one member
     * stores each), relays from them finish from the log, and replies served to them wait for a resume.
     */
    void membersChanged(Set<String> members) {
        claimStreaming(member -> !members.contains(member));
        for (RelayedReply relay : List.copyOf(relays.values())) {
            if (!members.contains(relay.source())) {
                relay.finishFromLog();
            }
        }
        for (Map.Entry<String, Served> entry : List.copyOf(served.entrySet())) {
            if (!members.contains(entry.getValue().member()) && served.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().connection().detach();
            }
        }
    }

    /**
     * Ends the replies that an earlier run of this member (under the same id, as WildFly's node name is) left
     * streaming in the grid: this run holds none yet, so any is an orphan that no survivor may have ended (the node
     * came back before they heard it had gone). Called when the application starts, before it takes any request.
     */
    void endEarlierRunsReplies() {
        claimStreaming(grid.localMember()::equals);
    }

    /** Ends each reply in the grid that streams on a member that {@code gone} says runs it no more. */
    private void claimStreaming(Predicate<String> gone) {
        for (Map.Entry<String, String> entry : replies.entries(ReplyRecords.HEADERS).entrySet()) {
            ReplyRecords.Header header = ReplyRecords.Header.parse(
                    entry.getKey().substring(ReplyRecords.HEADERS.length()), entry.getValue());
            if (header != null && header.isStreaming() && gone.test(header.member())) {
                claim(header);
            }
        }
    }

    /**
     * Ends a reply whose member runs it no more as interrupted with the chunks it logged, if no other member did so
     * first; then this member stores it. True if this member ended it.
     */
    boolean claim(ReplyRecords.Header header) {
        String messageId = header.messageId();
        List<ReplyRecords.LoggedChunk> logged = ReplyRecords.read(replies, messageId, 0, -1);
        ReplyRecords.Header ended = header.ended(ReplyEnd.of(StreamStatus.INTERRUPTED, logged.size(), null),
                logged.size());
        Duration keep = keep();
        if (header.raw() == null || !replies.replace(ReplyRecords.headerKey(messageId), header.raw(), ended.json(),
                keep)) {
            return false;
        }
        forgetChunksAfter(messageId, logged.size(), keep);
        LOG.log(Level.INFO, "Reply {0} of member {1}, which runs it no more, ends interrupted with its {2} logged "
                + "chunks", new Object[] {messageId, header.member(), logged.size()});
        if (header.turn() != null) {
            List<ReplyLog.Chunk> chunks = new ArrayList<>(logged.size());
            logged.forEach(chunk -> chunks.add(new ReplyLog.Chunk(chunk.seq(), chunk.event(),
                    WireTime.nanoTime(chunk.sentAtMicros()))));
            recorder.get().record(header.turn(), EndedReply.of(messageId, StreamStatus.INTERRUPTED, chunks, null));
        }
        return true;
    }

    /** Whether {@code member} is out of the view (or is this member, which runs only what it holds). */
    boolean isGone(String member) {
        return !grid.members().contains(member);
    }

    /** How long an ended reply's log stays: the resume window, or a little while at least. */
    Duration keep() {
        Duration resume = settings.get().resumeWindow();
        return resume.compareTo(MIN_KEEP) < 0 ? MIN_KEEP : resume;
    }

    /** How long a streaming reply's log stays if no member ends it: longer than it may run, and its window. */
    Duration runningTtl() {
        StreamSettings.Values now = settings.get();
        Duration bound = now.maxReply().isZero() ? UNBOUNDED_REPLY : now.maxReply();
        return bound.plus(now.resumeWindow()).plus(RUNNING_MARGIN);
    }

    /** Where relays pass frames on to their clients, each relay's one at a time. */
    Executor work() {
        return work;
    }

    /** The reply's log ended: it will not start (its client left first), or it did and ended. */
    void logEnded(String messageId) {
        starting.remove(messageId);
    }

    /** Removes the reply's first {@code count} chunks from the grid after {@code keep}. */
    void forgetChunksAfter(String messageId, int count, Duration keep) {
        if (count == 0) {
            return;
        }
        try {
            timer.schedule(() -> {
                try {
                    replies.removeAll(ReplyRecords.chunkKeys(messageId, count));
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "The grid kept the log of reply " + messageId + "; its time to live ends it",
                            e);
                }
            }, keep.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.log(Level.FINE, "The server stops: the log of reply {0} goes with its time to live", messageId);
        }
    }
}
