package org.agentstream.streaming;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agentstream.timing.StepAlarm;
import org.agentstream.timing.StepTimer;

/**
 * What a reply's {@linkplain Move moves} do outside its lock, besides calling its client's sink: ask the agent for
 * more, arm the reply's next step, and end it. It holds nothing the reply's lock guards. {@code writingStep} steps
 * the reply on a thread that may write; {@code alarm} arms it.
 */
record ReplyEffects(ReplyStream reply, String replyTo, ReplyLife life, StepTimer timer, StepAlarm alarm,
        Runnable writingStep, ReplyLog log, BiConsumer<ReplyStream, StreamStatus> onEnd) {

    private static final Logger LOG = Logger.getLogger(ReplyStream.class.getName());

    String messageId() {
        return reply.messageId();
    }

    /** Calls the reply's client once what the reply logged so far is safe ({@link ReplyLog#afterLogged}). */
    void toClient(Runnable call) {
        log.afterLogged(call);
    }

    /** Asks the agent for {@code n} more chunks, unless the reply ended. */
    void request(int n) {
        life.request(n);
    }

    /** Arms the claimed alarm; true if the timer refused it, which fails the reply at its next move. */
    boolean armAlarm(StepAlarm.Claim claim, long nanos) {
        try {
            alarm.arm(claim, nanos);
            return false;
        } catch (RejectedExecutionException rejected) {
            life.refused(rejected);
            return true;
        }
    }

    /** A step that must write, asked for on a thread that must not: an immediate timer makes it. */
    void soon() {
        try {
            timer.newTimeout(writingStep, 0);
        } catch (RejectedExecutionException rejected) {
            LOG.log(Level.FINE, "No executor to resend reply " + messageId() + " on", rejected);
        }
    }

    /** Makes a decided end: the reply's timers and agent stop, its end is recorded, then its client is told. */
    void finish(Ending ending) {
        alarm.stop();
        ending.stop();
        ending.logFailure(messageId());
        // The end is recorded (the reply queued for storage, its place freed) before the client hears of it, so
        // whatever the client asks once it has stream_end (the history, the next turn) comes after it.
        reply.observeEnd(ending);
        onEnd.accept(reply, ending.status());
        toClient(() -> ending.tell(messageId(), replyTo));
    }
}
