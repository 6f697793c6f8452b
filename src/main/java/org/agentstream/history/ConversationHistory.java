package org.agentstream.history;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.config.NodeName;
import org.agentstream.config.ServerResources;

/**
 * The chat's way to stored conversations, off the streaming threads: every database call runs as a task of the
 * application's own managed executor (bounded, so a burst of replies cannot grow a pool of hundreds of threads waiting
 * on the database), or of the server's default one when the admin created none, and the work on one conversation runs
 * one task after another in the order it was asked, so a reply is never stored before its question, messages keep the
 * order the server received them, and a read sees every write asked before it.
 */
@ApplicationScoped
public class ConversationHistory {

    private static final Logger LOG = Logger.getLogger(ConversationHistory.class.getName());
    private static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);
    /** Where a new conversation's first reply goes: right after its first question, at 0. */
    static final int FIRST_REPLY_POSITION = 1;

    /** Where server-config binds the history's executor: WildFly's name, then Payara's. */
    static final List<String> DEDICATED_EXECUTOR_NAMES =
            List.of("java:jboss/ee/concurrency/executor/agentstream-history", "concurrent/agentstream-history");

    @Resource
    private ManagedExecutorService defaultExecutor;

    /** Only times the writes of streaming replies' progress; the writes run on the history executor. */
    @Resource
    private ManagedScheduledExecutorService scheduler;

    private Executor executor;

    @Inject
    private ConversationRepository repository;

    @Inject
    private HistorySettings settings;

    /** The line operators' requests wait in: owners are {@code user:…} or {@code anonymous:…}, never this. */
    private static final String OPERATORS = "operators:";
    /** The line the writes of streaming replies' progress wait in, one at a time. */
    private static final String PROGRESS = "progress:";
    /**
     * The status of a reply whose node stopped before it ended: the wire name of streaming's
     * {@code StreamStatus.INTERRUPTED} (streaming reads the history for /status, so history does not read streaming).
     */
    static final String INTERRUPTED = "interrupted";
    /** How often a progress interval of 0 (off) is read again. */
    private static final long OFF_RECHECK_MS = 1_000;

    /** How many database tasks run at once: the history executor's threads, as server-config creates it. */
    private static final int WORKERS = 4;

    /**
     * The last task asked for each conversation that has one pending, by who asked: the owner's tasks run in order,
     * and another owner's request for the same id (refused by the repository) waits in no owner's line.
     */
    private final Map<String, CompletableFuture<?>> pending = new ConcurrentHashMap<>();
    /** Each owner's pending tasks, which that owner's reads wait for (no one else's). */
    private final Map<String, Set<CompletableFuture<?>>> pendingByOwner = new ConcurrentHashMap<>();
    private OwnerQueues queues;
    private InFlightReplies inFlight;
    /** This node's name, on the progress rows it writes. */
    private final String node = NodeName.ofThisServer();
    /** When this run of the application began: a progress row of this node from before it was left by a crash. */
    private final long bootMillis = System.currentTimeMillis();
    /** The next write of the progress, if one is timed; guarded by this. */
    private ScheduledFuture<?> nextProgressWrite;
    private boolean stopped;
    /** Done once the replies a crash left are queued to be stored: reads wait for it, so they find them. */
    private volatile CompletableFuture<Void> recovered = CompletableFuture.completedFuture(null);

    public ConversationHistory() {
        // for CDI: the repository, the settings and the executor come from the container
    }

    /** Outside a container, as unit tests use it: the history on {@code repository}, its tasks on {@code executor}. */
    public ConversationHistory(ConversationRepository repository, HistorySettings settings, Executor executor) {
        this.repository = repository;
        this.settings = settings;
        this.executor = executor;
        this.queues = new OwnerQueues(executor, WORKERS, repository::inOneTransaction);
        this.inFlight = new InFlightReplies(repository, System::currentTimeMillis);
    }

    @PostConstruct
    void chooseExecutor() {
        Optional<ServerResources.Found<ManagedExecutorService>> dedicated =
                ServerResources.lookup(DEDICATED_EXECUTOR_NAMES, ManagedExecutorService.class);
        executor = dedicated.map(ServerResources.Found::resource).orElse(defaultExecutor);
        queues = new OwnerQueues(executor, WORKERS, repository::inOneTransaction);
        inFlight = new InFlightReplies(repository, System::currentTimeMillis);
        timeProgressWrite();
        LOG.log(Level.INFO, "Conversations are stored on the managed executor {0}",
                dedicated.map(ServerResources.Found::name).orElse("default (server-config/ creates a dedicated one)"));
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Stores the user's message, in a new conversation when {@code conversationId} is null, and reads the turns
     * before it. Empty when the conversation is unknown or another owner's. With history off nothing is stored and
     * the agent sees no earlier turn.
     */
    public CompletableFuture<Optional<UserTurn>> addUserMessage(String owner, String conversationId, String agent,
            String content, String clientId) {
        return addUserMessage(owner, conversationId, agent, content, clientId, UUID.randomUUID().toString());
    }

    /** {@link #addUserMessage(String, String, String, String, String)}, stored under the server's id given. */
    public CompletableFuture<Optional<UserTurn>> addUserMessage(String owner, String conversationId, String agent,
            String content, String clientId, String userMessageId) {
        boolean create = conversationId == null;
        String id = create ? UUID.randomUUID().toString() : conversationId;
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.of(new UserTurn(id, -1, List.of())));
        }
        int maxTurns = settings.maxEarlierTurns();
        CompletableFuture<Optional<UserTurn>> stored = inOrder(owner, id, Work.WRITE, () -> repository.addUserMessage(
                owner, id, create, agent, content, clientId, userMessageId, System.currentTimeMillis(), maxTurns));
        if (!create) {
            return stored;
        }
        // A new conversation has no earlier turn and its first reply takes the position after the question, so the
        // reply need not wait for the write: it is queued first on the conversation, before the reply's own write.
        stored.whenComplete((turn, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "The first message of conversation " + id + " was not stored", failure);
            }
        });
        return CompletableFuture.completedFuture(Optional.of(new UserTurn(id, FIRST_REPLY_POSITION, List.of())));
    }

    /**
     * Replaces the owner's reply {@code messageId}, the last of its conversation, by a new one to come: the old reply
     * leaves the conversation's current branch, a place is reserved for the new one, and the turns before the user
     * message it answers are read. Refused, with nothing changed, when the reply is unknown or another owner's, still
     * streams, is not the last one, or its agent is not {@code agentKnown} (any more). With history off every reply
     * is unknown.
     */
    public CompletableFuture<Branch> regenerate(String owner, String messageId, Predicate<String> agentKnown) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Branch.refused(Branch.Refusal.UNKNOWN_MESSAGE));
        }
        if (inFlight.streams(owner, messageId)) {
            return CompletableFuture.completedFuture(Branch.refused(Branch.Refusal.REPLY_STREAMING));
        }
        int maxTurns = settings.maxEarlierTurns();
        // the reply's conversation first, once the owner's writes asked so far are done (a reply is queued to be
        // stored before its client hears its end), then the regenerate in that conversation's line
        return afterRecovery(() -> afterPendingWrites(owner, () -> repository.conversationOfReply(owner, messageId)))
                .thenCompose(found -> found.isEmpty()
                        ? CompletableFuture.completedFuture(Branch.refused(Branch.Refusal.UNKNOWN_MESSAGE))
                        : inOrder(owner, found.get(), Work.WRITE, () -> repository.regenerate(owner, found.get(),
                                messageId, agentKnown, System.currentTimeMillis(), maxTurns)));
    }

    /**
     * Edits the owner's user message {@code replaces} of the conversation: it and every later message leave the
     * conversation's current branch, and the new message is stored as {@link #addUserMessage} stores one. Refused,
     * with nothing changed, when the conversation or the message is unknown, or a reply of the conversation still
     * streams. With history off every message is unknown.
     */
    public CompletableFuture<Branch> edit(String owner, String conversationId, String replaces, String agent,
            String content, String clientId, String userMessageId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Branch.refused(Branch.Refusal.UNKNOWN_MESSAGE));
        }
        int maxTurns = settings.maxEarlierTurns();
        return inOrder(owner, conversationId, Work.WRITE, () -> repository.edit(owner, conversationId, replaces,
                agent, content, clientId, userMessageId, System.currentTimeMillis(), maxTurns));
    }

    /**
     * A reply to {@code question} starts streaming on this node: what it has sent so far ({@code sentSoFar}, called on
     * the history executor while it streams) is written about every {@link HistorySettings#progressIntervalMs} until
     * it is {@linkplain #addReply stored}, and a reply left streaming by a crash is stored as interrupted at the next
     * start. Nothing happens with history off.
     */
    public void replyStarted(String owner, UserTurn question, String agent, String messageId, String clientId,
            long startedAt, Supplier<ReplyText> sentSoFar) {
        if (question.replyPosition() < 0 || messageId == null) {
            return;
        }
        inFlight.started(new UnfinishedReply(messageId, owner, question.conversationId(), question.replyPosition(),
                agent, clientId, startedAt, node, ReplyText.whole("", 0)), sentSoFar);
    }

    /**
     * Stores a reply at the place its question reserved, and deletes what was written of it while it streamed (on
     * any node: a node may store the reply another one streamed); a failure is logged, the client already has the
     * text. A reply stored already (by another node, or before a crash) is not stored again.
     */
    public void addReply(String owner, UserTurn question, String agent, ReplyText text, String status,
            String messageId, String clientId, long createdAt) {
        if (messageId != null) {
            inFlight.ended(messageId);
        }
        if (question.replyPosition() < 0) {
            return;
        }
        store(owner, question.conversationId(), question.replyPosition(), agent, text, status, messageId, clientId,
                createdAt);
    }

    private CompletableFuture<ConversationRepository.ReplyStored> store(String owner, String conversationId,
            int position, String agent, ReplyText text, String status, String messageId, String clientId,
            long createdAt) {
        CompletableFuture<ConversationRepository.ReplyStored> stored = inOrder(owner, conversationId, Work.WRITE,
                () -> repository.addReply(conversationId, position, agent, text, status, messageId, clientId,
                        createdAt, System.currentTimeMillis()));
        return stored.whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "Reply " + messageId + " of conversation " + conversationId
                        + " was not stored", failure);
            } else if (done == ConversationRepository.ReplyStored.ALREADY_STORED) {
                LOG.log(Level.INFO, "Reply {0} of conversation {1} was stored already; it is not stored again",
                        new Object[] {messageId, conversationId});
            }
        }).exceptionally(failure -> null);
    }

    /** Times the next write of the streaming replies' progress, after the interval the settings give now. */
    private void timeProgressWrite() {
        long interval = settings.progressIntervalMs();
        synchronized (this) {
            if (stopped || scheduler == null) {
                return;
            }
            try {
                nextProgressWrite = scheduler.schedule(() -> {
                    if (interval == 0 || inFlight.streamingCount() == 0) {
                        timeProgressWrite();
                    } else {
                        writeProgress().whenComplete((written, failure) -> timeProgressWrite());
                    }
                }, interval == 0 ? OFF_RECHECK_MS : interval, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                LOG.log(Level.FINE, "The progress of streaming replies is written no more: the server stops");
            }
        }
    }

    /**
     * Writes what the streaming replies sent since their last write, in one transaction on the history executor;
     * completes with how many were written.
     */
    CompletableFuture<Integer> writeProgress() {
        return CompletableFuture.supplyAsync(inFlight::writeProgress, queues.forOwner(PROGRESS));
    }

    /** The name this node writes its replies' progress under. */
    String nodeName() {
        return node;
    }

    /** At start-up: the replies this node left streaming when it stopped last are stored as interrupted. */
    void recoverAtStart(@Observes @Initialized(ApplicationScoped.class) Object application) {
        if (settings.enabled()) {
            recoverLeftBy(node, bootMillis);
        }
    }

    /**
     * Stores, as interrupted with what was written of them, the replies that {@code leftBy} was streaming and had
     * started before {@code startedBefore} (so not one of this run's); completes with how many were stored.
     */
    CompletableFuture<Integer> recoverLeftBy(String leftBy, long startedBefore) {
        CompletableFuture<List<UnfinishedReply>> left = CompletableFuture.supplyAsync(
                () -> repository.progressLeftBy(leftBy, startedBefore), queues.forOwner(OPERATORS));
        CompletableFuture<List<CompletableFuture<ConversationRepository.ReplyStored>>> queued = left.thenApply(
                replies -> replies.stream().map(reply -> store(reply.owner(), reply.conversationId(),
                        reply.position(), reply.agent(), reply.text(), INTERRUPTED, reply.messageId(),
                        reply.clientId(), reply.createdAt())).toList());
        // a read asked meanwhile waits until the stores are queued, so it is answered after them
        recovered = queued.handle((stores, failure) -> null);
        return queued.thenCompose(stores -> CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    int count = (int) stores.stream()
                            .filter(one -> one.join() == ConversationRepository.ReplyStored.STORED).count();
                    LOG.log(Level.INFO, "{0} of {1} replies that node {2} left streaming when it stopped are "
                            + "stored as interrupted with what was written of them",
                            new Object[] {count, stores.size(), leftBy});
                    return count;
                })).whenComplete((count, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "The replies node " + leftBy + " left streaming were not stored",
                                failure);
                    }
                });
    }

    /** The owner's conversations, newest first, once the writes asked so far are done. */
    public CompletableFuture<List<ConversationSummary>> conversations(String owner) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(List.of());
        }
        int max = settings.maxListed();
        return afterRecovery(() -> afterPendingWrites(owner, () -> repository.conversations(owner, max)));
    }

    /** Runs {@code read} for the owner once every task the owner asked so far is done. */
    private <T> CompletableFuture<T> afterPendingWrites(String owner, Supplier<T> read) {
        Set<CompletableFuture<?>> owners = pendingByOwner.getOrDefault(owner, Set.of());
        return CompletableFuture.allOf(owners.toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> null)
                .thenApplyAsync(ignored -> read.get(), queues.forOwner(owner));
    }

    /** The owner's stored reply with this message id, once the writes asked so far are done. */
    public CompletableFuture<Optional<StoredReply>> storedReply(String owner, String messageId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return afterRecovery(() -> afterPendingWrites(owner, () -> repository.reply(owner, messageId)));
    }

    public CompletableFuture<Optional<HistoryPage>> history(String owner, String conversationId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        int max = settings.maxReturned();
        return afterRecovery(() -> inOrder(owner, conversationId, Work.READ, () -> repository.history(owner,
                conversationId, max)));
    }

    /** {@code read}, asked once the replies a crash left are queued to be stored (at once, but at start-up). */
    private <T> CompletableFuture<T> afterRecovery(Supplier<CompletableFuture<T>> read) {
        CompletableFuture<Void> gate = recovered;
        return gate.isDone() ? read.get() : gate.thenCompose(ignored -> read.get());
    }

    public CompletableFuture<Boolean> delete(String owner, String conversationId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(false);
        }
        return inOrder(owner, conversationId, Work.WRITE, () -> repository.delete(owner, conversationId));
    }

    /**
     * How many rows the history's tables hold, over every owner; empty with history off. The count waits in a line
     * of its own on the executor, behind no user's queue and holding up none.
     */
    public CompletableFuture<Optional<StoredCounts>> counts() {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.supplyAsync(() -> Optional.of(repository.counts()), queues.forOwner(OPERATORS));
    }

    /**
     * At undeploy or shutdown the container closes the chat connections first, which ends their replies as
     * interrupted with what was sent; their writes get a few seconds to finish before the application goes.
     */
    @PreDestroy
    void finishWrites() {
        synchronized (this) {
            stopped = true;
            if (nextProgressWrite != null) {
                nextProgressWrite.cancel(false);
            }
        }
        try {
            if (!awaitPending(Duration.ofSeconds(5))) {
                LOG.warning("Some replies were not stored before the application stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits, at most {@code timeout}, for the work asked so far; true if it is all done. */
    public boolean awaitPending(Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException failed) {
            return true;
        } catch (TimeoutException late) {
            return false;
        }
    }

    /** What a task on a conversation does: a write may share a transaction with other owners' writes. */
    private enum Work { READ, WRITE }

    /**
     * Runs {@code work} for {@code owner} (whoever asks, which for another owner's conversation is not its owner) after
     * every task the same owner asked before it for the same conversation, in the owner's turn on the executor; a
     * write completes once its transaction committed.
     */
    private <T> CompletableFuture<T> inOrder(String owner, String conversationId, Work kind, Supplier<T> work) {
        CompletableFuture<T> task = new CompletableFuture<>();
        String line = owner + '\u0000' + conversationId;
        CompletableFuture<?> before = pending.put(line, task);
        pendingByOwner.compute(owner, (key, tasks) -> {
            Set<CompletableFuture<?>> added = tasks == null ? ConcurrentHashMap.newKeySet() : tasks;
            added.add(task);
            return added;
        });
        (before == null ? DONE : before.handle((result, failure) -> null))
                .thenCompose(ignored -> kind == Work.WRITE ? queues.write(owner, work)
                        : CompletableFuture.supplyAsync(work, queues.forOwner(owner)))
                .whenComplete((result, failure) -> {
                    pending.remove(line, task);
                    pendingByOwner.computeIfPresent(owner, (key, tasks) -> {
                        tasks.remove(task);
                        return tasks.isEmpty() ? null : tasks;
                    });
                    if (failure == null) {
                        task.complete(result);
                    } else {
                        task.completeExceptionally(failure);
                    }
                });
        return task;
    }
}
