package org.agentstream.streaming;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.agentstream.timing.StepTimer;

/** The replies running on this node that a client may resume, by message id; each is forgotten on the timer. */
@ApplicationScoped
@Typed(LocalReplyDirectory.class)
public class LocalReplyDirectory implements ReplyDirectory {

    private final Map<String, Admission> held = new ConcurrentHashMap<>();

    @Inject
    private StepTimer timer;

    public LocalReplyDirectory() {
        // for CDI: the timer is injected
    }

    /** Outside a container, as unit tests use it. */
    public LocalReplyDirectory(StepTimer timer) {
        this.timer = timer;
    }

    @Override
    public void register(Admission reply) {
        held.put(reply.messageId(), reply);
    }

    @Override
    public StreamingService.Resume handOver(String messageId, ConnectionStreams connection, ReplySink sink,
            int afterSeq) {
        Admission reply = messageId == null ? null : held.get(messageId);
        if (reply == null || !reply.isOwnedBy(connection.owner())) {
            return StreamingService.Resume.UNKNOWN;
        }
        return reply.moveTo(connection, sink, afterSeq) ? StreamingService.Resume.RESUMED
                : StreamingService.Resume.ALREADY_HERE;
    }

    @Override
    public void forget(Admission reply) {
        held.remove(reply.messageId(), reply);
    }

    @Override
    public void forgetAfter(Admission reply, Duration window) {
        try {
            timer.newTimeout(() -> forget(reply), window.toNanos());
        } catch (RejectedExecutionException rejected) {
            forget(reply);
        }
    }

    @Override
    public boolean holds(String messageId) {
        return held.containsKey(messageId);
    }

    @Override
    public int size() {
        return held.size();
    }

    @Override
    public int interruptAll() {
        int ended = 0;
        for (Admission reply : List.copyOf(held.values())) {
            if (reply.interrupt()) {
                ended++;
            }
        }
        return ended;
    }
}
