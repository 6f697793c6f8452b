package org.agentstream.streaming;

import org.agentstream.timing.StepTimer;

/**
 * How long a reply whose connection was lost waits for a client to resume it, and how much it makes meanwhile. Each
 * open and close (a resume, or the reply's end) moves the generation on, so the end of a window that closed or was
 * replaced does nothing when it fires anyway; its reply's lock guards it ({@link #armEnd} takes it itself).
 */
final class ResumeWindow {

    private final Object lock;
    private final StepTimer timer;
    private final ReplyStream.Resumption resumption;
    private int generation;
    /** The armed end of the open window, or null (none open, or not armed yet). */
    private StepTimer.Timeout end;
    /** The connection the reply was lost on, while a window is open. */
    private ReplySink lostOn;
    private int chunksMade;

    /** {@code lock}: the reply's. */
    ResumeWindow(Object lock, StepTimer timer, ReplyStream.Resumption resumption) {
        this.lock = lock;
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

    /** Opens a window for a reply lost on {@code sink}; its generation, to {@linkplain #armEnd arm its end}. */
    int open(ReplySink sink) {
        lostOn = sink;
        chunksMade = 0;
        return ++generation;
    }

    /**
     * Arms {@code end} to run when window {@code generation} is over, outside the reply's lock, and keeps it unless
     * the window closed meanwhile (then it is cancelled).
     *
     * @throws java.util.concurrent.RejectedExecutionException when the container takes no more work
     */
    void armEnd(int generation, Runnable end) {
        StepTimer.Timeout armed = timer.newTimeout(end, resumption.windowNanos());
        boolean kept;
        synchronized (lock) {
            kept = isOpen(generation);
            if (kept) {
                this.end = armed;
            }
        }
        if (!kept) {
            armed.cancel(); // a resume or the end came first
        }
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
