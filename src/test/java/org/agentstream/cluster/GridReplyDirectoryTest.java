package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.agentstream.access.LocalOwnerConnections;
import org.agentstream.agent.ChunkPublisher;
import org.agentstream.streaming.Admission;
import org.agentstream.streaming.ConnectionStreams;
import org.agentstream.streaming.EndedReply;
import org.agentstream.streaming.LocalReplyDirectory;
import org.agentstream.streaming.StreamSettings;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.streaming.StreamingService;
import org.agentstream.streaming.StreamingService.Resume;
import org.agentstream.testing.doubles.MemoryGrid;
import org.agentstream.testing.doubles.RecordingSink;
import org.agentstream.testing.doubles.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply outlives its connection's node: a client of its owner resumes it on another member, which passes on its
 * frames from the member running it; when that member leaves, a survivor ends it as interrupted with what it logged,
 * stored once, and a client gets every logged chunk it lacks, then the end.
 */
class GridReplyDirectoryTest {

    private static final long MS = 1_000_000L;
    private static final int WORDS = 60;
    private static final StreamSettings SETTINGS = new StreamSettings() {
        @Override
        public Values current() {
            return new Values(Duration.ofMillis(10), 100, 16, 100, 8, Duration.ofMinutes(10), Duration.ZERO,
                    Duration.ofSeconds(30), 1000);
        }
    };

    private final MemoryGrid grid = new MemoryGrid();
    private final ScheduledExecutorService cleanUp = Executors.newSingleThreadScheduledExecutor();
    private final Node a = new Node("a");
    private final Node b = new Node("b");

    /** One member: its own timer (a node that dies stops it), streaming core and directory over the grid. */
    private final class Node {
        final VirtualScheduler time = new VirtualScheduler();
        final List<EndedReply> stored = new CopyOnWriteArrayList<>();
        final List<String> turns = new CopyOnWriteArrayList<>();
        final StreamingService streaming;

        Node(String id) {
            this(id, Runnable::run);
        }

        /** {@code writes}: where the log's writes to the grid run. */
        Node(String id, Executor writes) {
            var member = grid.join(id);
            GridReplyDirectory directory = new GridReplyDirectory(member, new LocalReplyDirectory(time),
                    writes, cleanUp, SETTINGS::current, () -> (turn, ended) -> {
                        turns.add(turn);
                        stored.add(ended);
                    }, time::nanoTime);
            member.listen(new ClusterEvents(member, new GridOwnerConnections(member, new LocalOwnerConnections(),
                    Runnable::run), new GridOwnerReplies(member), directory, Runnable::run));
            streaming = new StreamingService(time, time::nanoTime, SETTINGS, directory);
        }

        /** A reply of {@code owner} to a message, streaming to {@code sink}, its end recorded on this node. */
        Admission reply(String owner, RecordingSink sink) {
            Admission admission = streaming.admit(new ConnectionStreams(owner, sink), sink, "c1").orElseThrow();
            admission.start("words", "k", () -> ChunkPublisher.words(words()), stored::add, "turn of " + owner);
            return admission;
        }
    }

    @AfterEach
    void stopCleanUp() {
        cleanUp.shutdownNow();
    }

    private static String words() {
        return IntStream.range(0, WORDS).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static List<Integer> seqs(List<RecordingSink.Event> chunks) {
        return chunks.stream().map(RecordingSink.Event::seq).toList();
    }

    private static String text(List<RecordingSink.Event> chunks) {
        return chunks.stream().map(RecordingSink.Event::text).collect(Collectors.joining());
    }

    /** The client lost its connection to member a after ten chunks; the reply waits there for a resume. */
    private Admission lostAfterTenChunks(RecordingSink onA) {
        ConnectionStreams connection = new ConnectionStreams("alice", onA);
        Admission reply = a.streaming.admit(connection, onA, "c1").orElseThrow();
        reply.start("words", "k", () -> ChunkPublisher.words(words()), a.stored::add, "turn of alice");
        while (onA.chunks().size() < 10) {
            a.time.advance(MS);
        }
        connection.detach();
        return reply;
    }

    @Test
    void aChunkReachesTheClientOnlyOnceTheGridHasIt() {
        Queue<Runnable> writes = new ArrayDeque<>();
        Node c = new Node("c", writes::add);
        RecordingSink sink = new RecordingSink(c.time::nanoTime);
        Admission reply = c.reply("alice", sink);
        c.time.advance(MS);
        String first = "c/" + reply.messageId() + "/0";
        assertEquals(List.of(), sink.chunks(), "nothing is sent before the grid has it");
        assertFalse(grid.entries(SharedMap.Name.REPLIES).containsKey(first));

        runAll(writes);
        assertTrue(grid.entries(SharedMap.Name.REPLIES).get(first).endsWith(" w0 "), "the grid has chunk 0");
        assertEquals(List.of(0), seqs(sink.chunks()), "then the client gets it");
    }

    @Test
    void aPacedChunkGoesOutAtItsTimeWhenTheGridHasItAlready() {
        Queue<Runnable> writes = new ArrayDeque<>();
        Node c = new Node("c", writes::add);
        RecordingSink sink = new RecordingSink(c.time::nanoTime);
        c.reply("alice", sink);
        c.time.advance(MS);
        runAll(writes); // chunk 0 is in the grid, and sent; the agent has made chunk 1, which is written ahead
        assertEquals(List.of(0), seqs(sink.chunks()));
        runAll(writes);

        c.time.advance(10 * MS);
        assertEquals(List.of(0, 1), seqs(sink.chunks()), "chunk 1 went out at its time, not after a grid write");
        assertTrue(grid.entries(SharedMap.Name.REPLIES).keySet().stream().anyMatch(key -> key.endsWith("/2")),
                "the chunks the agent made ahead are in the grid before their turn");
    }

    private static void runAll(Queue<Runnable> tasks) {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
    }

    @Test
    void aResumeOnAnotherMemberGetsEverySeqOnceInOrderThenTheEnd() {
        RecordingSink onA = new RecordingSink(a.time::nanoTime);
        Admission reply = lostAfterTenChunks(onA);
        a.time.advance(50 * MS); // it goes on without a client, logging

        RecordingSink onB = new RecordingSink(b.time::nanoTime);
        assertEquals(Resume.RESUMED, b.streaming.resume(new ConnectionStreams("alice", onB), onB, reply.messageId(),
                9));
        a.time.runUntilIdle(10_000 * MS);

        List<RecordingSink.Event> got = onB.allChunks();
        assertEquals(IntStream.range(10, WORDS).boxed().toList(), seqs(got), "each seq after 9 once, in order");
        assertTrue(onB.events().stream().anyMatch(e -> e.kind().equals("replayed")), "the logged ones replayed");
        assertTrue(onB.chunks().size() > 10, "the rest live, as member a makes them: " + onB.chunks().size());
        assertEquals("end:complete", onB.events().get(onB.events().size() - 1).kind());
        assertEquals(words(), text(onA.chunks().subList(0, 10)) + text(got));
        assertEquals(1, a.stored.size(), "stored once, by the member that ran it");
        assertEquals(List.of(), b.stored);
    }

    @Test
    void anotherOwnersResumeOnAnotherMemberIsUnknownAndGetsNothing() {
        RecordingSink onA = new RecordingSink(a.time::nanoTime);
        Admission reply = lostAfterTenChunks(onA);

        RecordingSink bobs = new RecordingSink(b.time::nanoTime);
        assertEquals(Resume.UNKNOWN, b.streaming.resume(new ConnectionStreams("bob", bobs), bobs, reply.messageId(),
                -1));
        a.time.runUntilIdle(10_000 * MS);
        assertEquals(List.of(), bobs.events());
    }

    @Test
    void aResumeAfterTheReplyEndedGetsTheRestFromTheGridsLog() {
        RecordingSink onA = new RecordingSink(a.time::nanoTime);
        Admission reply = lostAfterTenChunks(onA);
        a.time.runUntilIdle(10_000 * MS); // it ends without a client

        RecordingSink onB = new RecordingSink(b.time::nanoTime);
        assertEquals(Resume.RESUMED, b.streaming.resume(new ConnectionStreams("alice", onB), onB, reply.messageId(),
                4));
        assertEquals(IntStream.range(5, WORDS).boxed().toList(), seqs(onB.allChunks()));
        assertEquals("end:complete", onB.events().get(onB.events().size() - 1).kind());
    }

    @Test
    void whenItsMemberLeavesASurvivorEndsTheReplyInterruptedWithWhatItLoggedOnce() {
        Node c = new Node("c");
        RecordingSink onA = new RecordingSink(a.time::nanoTime);
        Admission reply = lostAfterTenChunks(onA);
        a.time.advance(100 * MS);
        RecordingSink onB = new RecordingSink(b.time::nanoTime);
        assertEquals(Resume.RESUMED, b.streaming.resume(new ConnectionStreams("alice", onB), onB, reply.messageId(),
                9));
        a.time.advance(100 * MS);
        int relayed = onB.allChunks().size();
        assertTrue(relayed > 0 && relayed < WORDS - 10, "it streams to b through the grid: " + relayed);

        grid.leave("a"); // killed: its timer stops here

        List<RecordingSink.Event> got = onB.allChunks();
        assertEquals(IntStream.range(10, 10 + got.size()).boxed().toList(), seqs(got), "each seq once, in order");
        assertEquals("end:interrupted", onB.events().get(onB.events().size() - 1).kind());
        List<EndedReply> stored = new java.util.ArrayList<>(b.stored);
        stored.addAll(c.stored);
        assertEquals(1, stored.size(), "one survivor stores it");
        assertEquals(StreamStatus.INTERRUPTED, stored.get(0).status());
        assertEquals(text(onA.chunks().subList(0, 10)) + text(got), stored.get(0).sentText(),
                "exactly what member a logged, which is what the client got");
        assertEquals(List.of("turn of alice"), b.stored.isEmpty() ? c.turns : b.turns);
        assertEquals(List.of(), a.stored, "member a never ended it");

        RecordingSink later = new RecordingSink(c.time::nanoTime);
        assertEquals(Resume.RESUMED, c.streaming.resume(new ConnectionStreams("alice", later), later,
                reply.messageId(), 9));
        assertEquals(got.stream().map(RecordingSink.Event::text).toList(),
                later.allChunks().stream().map(RecordingSink.Event::text).toList(), "a resume after it gets the same");
        assertEquals("end:interrupted", later.events().get(later.events().size() - 1).kind());
    }

    @Test
    void aClientsCancelOnAnotherMemberStopsTheReplyWhereItRuns() {
        RecordingSink onA = new RecordingSink(a.time::nanoTime);
        Admission reply = lostAfterTenChunks(onA);
        RecordingSink onB = new RecordingSink(b.time::nanoTime);
        ConnectionStreams onBsConnection = new ConnectionStreams("alice", onB);
        b.streaming.resume(onBsConnection, onB, reply.messageId(), 9);
        a.time.advance(50 * MS);

        assertTrue(onBsConnection.cancel(reply.messageId()));
        a.time.runUntilIdle(10_000 * MS);
        assertEquals("end:cancelled", onB.events().get(onB.events().size() - 1).kind());
        assertEquals(StreamStatus.CANCELLED, a.stored.get(0).status());
        assertTrue(a.stored.get(0).sentChunks() < WORDS, "the agent stopped");
    }
}
