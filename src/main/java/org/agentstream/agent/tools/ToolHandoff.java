package org.agentstream.agent.tools;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Who goes on after one tool call of a sequence: its result may come before {@link ToolBox#call} returns (a refused
 * call, a busy executor, a quick tool), and then the caller goes on in its loop instead of the result's callback
 * recursing into the next call; otherwise the callback goes on. Registering the run before {@link #started} also
 * means no later call's run can have been registered yet, so a cancel finds the one running.
 */
public final class ToolHandoff {

    private enum Phase { STARTING, STARTED, ENDED_AT_ONCE }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);

    /** From the result's callback: whether the callback goes on (the call had returned before the result came). */
    public boolean resultGoesOn() {
        return !phase.compareAndSet(Phase.STARTING, Phase.ENDED_AT_ONCE);
    }

    /** After the call returned: whether the result is still to come (its callback goes on), else the caller does. */
    public boolean started() {
        return phase.compareAndSet(Phase.STARTING, Phase.STARTED);
    }
}
