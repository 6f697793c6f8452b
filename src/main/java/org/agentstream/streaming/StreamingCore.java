package org.agentstream.streaming;

import java.util.function.LongSupplier;
import org.agentstream.timing.StepTimer;

/**
 * The parts of the streaming core that every admitted reply uses in its life: the timer it streams on, the limits
 * it holds a place under, the overdue sweep, the directory it can be resumed from and the counters it reports to.
 */
record StreamingCore(StepTimer timer, LongSupplier nanoClock, AdmissionRules rules, OverdueReplies overdue,
        ReplyDirectory directory, StreamCounters counters) {
}
