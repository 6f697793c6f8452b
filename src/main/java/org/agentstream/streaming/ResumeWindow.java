package org.agentstream.streaming;

import org.agentstream.timing.StepTimer;

/**
 * How long a reply whose connection was lost waits for a client to resume it, and how much it makes meanwhile. A
 * window opens when the connection is lost and closes when a client resumes the reply or the reply ends; each open
 * and close moves the generation on, so the end of a window that closed or was replaced does nothing when it fires
 * anyway (a timer cannot always be stopped in time). Not thread-safe: its reply's lock guards it, except {@link #arm}.
 */
final class ResumeWindow {

    private final StepTimer timer;
    private final ReplyStream.Resumption resumption;
    private int generation;
    /** The armed end of the open window, or null (none open, or not armed yet). */
    private StepTimer.Timeout end;
    /** The connection the reply was lost on, while a window is open. */
    private ReplySink lostOn;
    private int chunksMade;

    ResumeWindow(StepTimer timer, ReplyStream.Resumption resumption) {
        this.timer = timer;
        this.resumption = resumption;
    }

    /** Whether a reply waits for a client at all when its connection is lost. */
    boolean allowed() {
        return resumption.windowNanos() > 0;
    }

    long nanos() {
        return resumption.windowNanos();
    }

    /** Opens a window for a reply lost on {@code sink}; returns its generation, for the end {@linkplain #arm armed}. */
    int open(ReplySink sink) {
        lostOn = sink;
        chunksMade = 0;
        return ++generation;
    }

    /**
     * Schedules {@code end} for when a window opened now closes; called outside the reply's lock (it touches no state).
     *
     * @throws java.util.concurrent.RejectedExecutionException when the container takes no more work
     */
    StepTimer.Timeout arm(Runnable end) {
        return timer.newTimeout(end, resumption.windowNanos());
    }

    /** Keeps the end armed for window {@code generation}; false if that window is no longer open: cancel it. */
    boolean keep(int generation, StepTimer.Timeout armed) {
        if (!isOpen(generation)) {
            return false;
        }
        end = armed;
        return true;
    }

    /** Whether window {@code generation} is the open one: no resume, no end and no newer window came since. */
    boolean isOpen(int generation) {
        return lostOn != null && generation == this.generation;
    }

    /** Whether a window is open for a reply lost on {@code sink}. */
    boolean isLostOn(ReplySink sink) {
        return lostOn != null && lostOn == sink;
    }

    /** Closes the window, if one is open (a client resumed, or the reply ended): the end to cancel, or null. */
    StepTimer.Timeout close() {
        generation++;
        lostOn = null;
        StepTimer.Timeout armed = end;
        end = null;
        return armed;
    }

    /** Whether the reply made as many chunks as it may while no client is attached: its agent waits. */
    boolean full() {
        return chunksMade >= resumption.maxDetachedChunks();
    }

    /** The reply made a chunk with no client attached. */
    void made() {
        chunksMade++;
    }
}
