package org.agentstream.streaming;

import java.util.concurrent.Flow;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.agent.AgentFailure;
import org.agentstream.timing.StepTimer;

/**
 * A reply's end as decided under the reply's lock, and what it takes once outside: the window to cancel, the agent
 * to stop (not after a complete reply), the client to tell (none when the reply ended for want of one).
 */
record Ending(ReplyEnd outcome, Throwable failure, ReplyStream.Attachment tell, StepTimer.Timeout window,
        Flow.Subscription agent) implements Move {

    private static final Logger LOG = Logger.getLogger(ReplyStream.class.getName());

    StreamStatus status() {
        return outcome.status();
    }

    @Override
    public boolean make(ReplyEffects out) {
        out.finish(this);
        return false;
    }

    /** Cancels the window and stops the agent, which may fail to listen. */
    void stop() {
        if (window != null) {
            window.cancel();
        }
        if (agent != null) {
            try {
                agent.cancel();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Agent's cancel failed", e);
            }
        }
    }

    void logFailure(String messageId) {
        if (failure instanceof AgentFailure named) {
            LOG.log(Level.WARNING, "Agent failed in {0}: {1}", new Object[] {messageId, named.getMessage()});
        } else if (failure != null) {
            LOG.log(Level.WARNING, "Agent failed in " + messageId, failure);
        }
    }

    /** Sends {@code stream_end} to the client, if there is one to tell. */
    void tell(String messageId, String replyTo) {
        if (tell != null) {
            tell.sink.streamEnded(messageId, replyTo, outcome);
        }
    }
}
