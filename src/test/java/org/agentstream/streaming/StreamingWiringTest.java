package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import org.agentstream.access.LocalMessageRate;
import org.agentstream.access.LocalOwnerConnections;
import org.agentstream.access.LocalSignInFailures;
import org.agentstream.cluster.ClusterSeams;
import org.agentstream.metrics.ChatMeters;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.timing.StepTimer;
import org.agentstream.tracing.Observers;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

/**
 * The streaming core as CDI puts it together (in Weld, without a container's executor or a grid): each seam resolves
 * to this node's implementation, and agents get the scheduler's timer.
 */
@EnableWeld
class StreamingWiringTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(StreamingService.class, ReplyScheduler.class, StreamSettings.class,
            LocalReplyDirectory.class, LocalOwnerReplies.class, ClusterSeams.class, LocalOwnerConnections.class,
            LocalMessageRate.class, LocalSignInFailures.class, ChatMeters.class, Observers.class).build();

    @Inject
    StreamingService streaming;

    @Inject
    ReplyDirectory directory;

    @Inject
    OwnerReplies owners;

    @Inject
    ReplyScheduler scheduler;

    @Inject
    StepTimer timer;

    @Test
    void eachSeamIsThisNodesImplementation() {
        assertTrue(directory instanceof LocalReplyDirectory, directory.getClass().getName());
        assertTrue(owners instanceof LocalOwnerReplies, owners.getClass().getName());
        assertSame(scheduler.timer(), timer, "agents pace themselves on the timer replies stream on");
    }

    @Test
    void anAdmittedReplyIsHeldInTheInjectedDirectoryUntilItIsGivenBack() {
        RecordingSink sink = new RecordingSink(System::nanoTime);
        Admission admission = streaming.admit(new ConnectionStreams("alice", sink), sink, "c1").orElseThrow();

        assertTrue(directory.holds(admission.messageId()));
        assertEquals(1, streaming.stats().activeStreams());
        admission.giveBack();
        assertFalse(streaming.holdsForResume(admission.messageId()));
        assertEquals(0, streaming.stats().activeStreams());
        assertTrue(owners.tryTake("alice", 1), "alice's place was given back");
    }
}
