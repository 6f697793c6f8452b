package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalReplyLogTest {

    private final LocalReplyLog log = new LocalReplyLog();

    private void logWords(int count) {
        for (int i = 0; i < count; i++) {
            log.append(i, "w" + i + " ", 100L * i);
        }
    }

    @Test
    void readsTheChunksAfterASeqWithTheirSeqAndTime() {
        logWords(40);

        List<ReplyLog.Chunk> after = log.readAfter(36);

        assertEquals(List.of(new ReplyLog.Chunk(37, "w37 ", 3700), new ReplyLog.Chunk(38, "w38 ", 3800),
                new ReplyLog.Chunk(39, "w39 ", 3900)), after);
        assertEquals(40, log.readAfter(-1).size(), "after -1: every chunk");
        assertEquals(List.of(), log.readAfter(39), "after the last: nothing");
    }

    @Test
    void aChunkWrittenLaterKeepsTheTimeItWasWritten() {
        logWords(3);
        log.written(1, 555);

        assertEquals(555, log.readAfter(0).get(0).sentNanos());
    }

    @Test
    void aDroppedLastChunkIsGoneFromTheTextAndTheNextSeqTakesItsPlace() {
        logWords(3);
        log.drop(2);
        log.append(2, "again", 7);

        EndedReply ended = EndedReply.of("m1", StreamStatus.COMPLETE, log.readAfter(-1));
        assertEquals("w0 w1 again", ended.sentText());
        assertArrayEquals(new int[] {3, 6, 11}, ended.chunkEnds());
        assertArrayEquals(new long[] {0, 100, 7}, ended.sentNanos());
    }

    @Test
    void onlyTheNextSeqCanBeLoggedAndOnlyTheLastDropped() {
        logWords(2);

        assertThrows(IllegalArgumentException.class, () -> log.append(3, "gap", 0));
        assertThrows(IllegalArgumentException.class, () -> log.drop(0));
    }

    @Test
    void nothingIsLoggedAfterTheEnd() {
        logWords(2);
        log.end(StreamStatus.CANCELLED, 0);

        assertThrows(IllegalStateException.class, () -> log.append(2, "late", 0));
        log.written(1, 9);
        assertEquals(9, log.readAfter(0).get(0).sentNanos(), "a write that completes late is still recorded");
    }
}
