package org.agentstream.history;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
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

    private Executor executor;

    @Inject
    private ConversationRepository repository;

    @Inject
    private HistorySettings settings;

    /** The line operators' requests wait in: owners are {@code user:…} or {@code anonymous:…}, never this. */
    private static final String OPERATORS = "operators:";

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

    public ConversationHistory() {
        // for CDI: the repository, the settings and the executor come from the container
    }

    /** Outside a container, as unit tests use it: the history on {@code repository}, its tasks on {@code executor}. */
    public ConversationHistory(ConversationRepository repository, HistorySettings settings, Executor executor) {
        this.repository = repository;
        this.settings = settings;
        this.executor = executor;
        this.queues = new OwnerQueues(executor, WORKERS);
    }

    @PostConstruct
    void chooseExecutor() {
        Optional<ServerResources.Found<ManagedExecutorService>> dedicated =
                ServerResources.lookup(DEDICATED_EXECUTOR_NAMES, ManagedExecutorService.class);
        executor = dedicated.map(ServerResources.Found::resource).orElse(defaultExecutor);
        queues = new OwnerQueues(executor, WORKERS);
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
        boolean create = conversationId == null;
        String id = create ? UUID.randomUUID().toString() : conversationId;
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.of(new UserTurn(id, -1, List.of())));
        }
        int maxTurns = settings.maxEarlierTurns();
        CompletableFuture<Optional<UserTurn>> stored = inOrder(owner, id, () -> repository.addUserMessage(owner, id,
                create, agent, content, clientId, System.currentTimeMillis(), maxTurns));
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

    /** Stores a reply at the place its question reserved; a failure is logged, the client already has the text. */
    public void addReply(String owner, UserTurn question, String agent, ReplyText text, String status,
            String messageId, String clientId, long createdAt) {
        if (question.replyPosition() < 0) {
            return;
        }
        inOrder(owner, question.conversationId(), () -> {
            repository.addReply(question.conversationId(), question.replyPosition(), agent, text, status,
                    messageId, clientId, createdAt, System.currentTimeMillis());
            return null;
        }).exceptionally(failure -> {
            LOG.log(Level.WARNING, "Reply " + messageId + " of conversation " + question.conversationId()
                    + " was not stored", failure);
            return null;
        });
    }

    /** The owner's conversations, newest first, once the writes asked so far are done. */
    public CompletableFuture<List<ConversationSummary>> conversations(String owner) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(List.of());
        }
        int max = settings.maxListed();
        return afterPendingWrites(owner, () -> repository.conversations(owner, max));
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
        return afterPendingWrites(owner, () -> repository.reply(owner, messageId));
    }

    public CompletableFuture<Optional<HistoryPage>> history(String owner, String conversationId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        int max = settings.maxReturned();
        return inOrder(owner, conversationId, () -> repository.history(owner, conversationId, max));
    }

    public CompletableFuture<Boolean> delete(String owner, String conversationId) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(false);
        }
        return inOrder(owner, conversationId, () -> repository.delete(owner, conversationId));
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

    /**
     * Runs {@code work} for {@code owner} (whoever asks, which for another owner's conversation is not its owner) after
     * every task the same owner asked before it for the same conversation, in the owner's turn on the executor.
     */
    private <T> CompletableFuture<T> inOrder(String owner, String conversationId, Supplier<T> work) {
        CompletableFuture<T> task = new CompletableFuture<>();
        String line = owner + '\u0000' + conversationId;
        CompletableFuture<?> before = pending.put(line, task);
        pendingByOwner.compute(owner, (key, tasks) -> {
            Set<CompletableFuture<?>> added = tasks == null ? ConcurrentHashMap.newKeySet() : tasks;
            added.add(task);
            return added;
        });
        (before == null ? DONE : before.handle((result, failure) -> null))
                .thenApplyAsync(ignored -> work.get(), queues.forOwner(owner))
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
