package org.agentstream.testing.agents;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/** The replies the {@code held} agent is holding, until a test releases them all (testsupport's release servlet). */
@ApplicationScoped
public class HeldReplies {

    private final Set<HeldReply> held = ConcurrentHashMap.newKeySet();

    /** Passes {@code reply} on, but only its first {@code before} chunks (and not its end) until released. */
    Flow.Publisher<Object> hold(Flow.Publisher<?> reply, long before) {
        HeldReply heldReply = new HeldReply(reply, before, held::remove);
        held.add(heldReply);
        return heldReply;
    }

    /** Lets every reply held now go on to its end; returns how many there were. */
    public int release() {
        int released = 0;
        for (Iterator<HeldReply> replies = held.iterator(); replies.hasNext(); released++) {
            HeldReply reply = replies.next();
            replies.remove();
            reply.release();
        }
        return released;
    }
}
