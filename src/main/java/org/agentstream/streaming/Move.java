package org.agentstream.streaming;

import java.util.List;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.timing.StepAlarm;

/**
 * What one step of a {@link ReplyStream} does, decided under the reply's lock and made after it has left it: the
 * sink call (once what the reply logged is safe: {@link ReplyLog#afterLogged}), the demand or the timer that the
 * reply's state leads to.
 */
interface Move {

    /** Nothing is due: a delivery, a timer, the agent or a client steps again. */
    Move IDLE = out -> false;
    /** A step that must write, asked for on a thread that must not: an immediate timer makes it. */
    Move SOON = out -> {
        out.soon();
        return false;
    };

    /** Makes the move outside the reply's lock; true if the step goes on to decide the next one. */
    boolean make(ReplyEffects out);

    /** Hands chunk {@code seq} to the attached client; its delivery steps again. */
    record Send(ReplyStream.Attachment to, int seq, ReplyEvent event) implements Move {
        @Override
        public boolean make(ReplyEffects out) {
            out.toClient(() -> to.sink.chunk(out.messageId(), seq, event, to));
            return false;
        }
    }

    /** Asks the agent for {@code n} more chunks. */
    record Request(int n) implements Move {
        @Override
        public boolean make(ReplyEffects out) {
            out.request(n);
            return true;
        }
    }

    /** Tells a client that a resume took the reply to another connection. */
    record TellMoved(ReplyStream.Attachment to) implements Move {
        @Override
        public boolean make(ReplyEffects out) {
            out.toClient(() -> to.sink.movedAway(out.messageId(), out.replyTo()));
            return true;
        }
    }

    /** Sends a resumed client the chunks it missed, then the end if the reply had ended ({@code end} not null). */
    record Replay(ReplyStream.Attachment to, List<ReplyLog.Chunk> chunks, ReplyEnd end) implements Move {
        @Override
        public boolean make(ReplyEffects out) {
            out.toClient(() -> {
                for (ReplyLog.Chunk missed : chunks) {
                    to.sink.replayed(out.messageId(), missed.seq(), missed.event(), missed.sentNanos());
                }
                if (end != null) {
                    to.sink.replayedEnd(out.messageId(), out.replyTo(), end);
                }
            });
            return end == null;
        }
    }

    /** Arms the reply's alarm, claimed for it, to step again {@code nanos} from now. */
    record Wait(StepAlarm.Claim claim, long nanos) implements Move {
        @Override
        public boolean make(ReplyEffects out) {
            return out.armAlarm(claim, nanos);
        }
    }
}
