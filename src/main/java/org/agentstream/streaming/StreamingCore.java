package org.agentstream.streaming;

import java.util.function.LongSupplier;
import org.agentstream.timing.StepTimer;

/**
 * The parts of the streaming core that every admitted reply uses in its life: the timer it streams on, the limits
 * it holds a place under, the overdue sweep, the directory it can be resumed from, the counters it reports to and
 * the observers that time it for the server's metrics.
 */
record StreamingCore(StepTimer timer, LongSupplier nanoClock, AdmissionRules rules, OverdueReplies overdue,
        ReplyDirectory directory, StreamCounters counters, ReplyObserver.Factory observers) {

    StreamingCore(StepTimer timer, LongSupplier nanoClock, AdmissionRules rules, OverdueReplies overdue,
            ReplyDirectory directory, StreamCounters counters) {
        this(timer, nanoClock, rules, overdue, directory, counters, ReplyObserver.Factory.NONE);
    }
}
