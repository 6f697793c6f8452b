package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.agentstream.agent.ReplyEvent;
import org.junit.jupiter.api.Test;

class LocalReplyLogTest {

    private final LocalReplyLog log = new LocalReplyLog();

    private void logWords(int count) {
        for (int i = 0; i < count; i++) {
            log.append(i, text("w" + i + " "), 100L * i);
        }
    }

    @Test
    void readsTheChunksAfterASeqWithTheirSeqAndTime() {
        logWords(40);

        List<ReplyLog.Chunk> after = log.readAfter(36);

        assertEquals(List.of(new ReplyLog.Chunk(37, text("w37 "), 3700),
                new ReplyLog.Chunk(38, text("w38 "), 3800), new ReplyLog.Chunk(39, text("w39 "), 3900)), after);
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
        log.append(2, text("again"), 7);

        EndedReply ended = EndedReply.of("m1", StreamStatus.COMPLETE, log.readAfter(-1), null);
        assertEquals("w0 w1 again", ended.sentText());
        assertArrayEquals(new int[] {3, 6, 11}, ended.chunkEnds());
        assertArrayEquals(new long[] {0, 100, 7}, ended.sentNanos());
    }

    @Test
    void eventsThatAreNotTextKeepTheirSeqAmongTheTextAndADroppedOneIsGone() {
        ReplyEvent call = new ReplyEvent.ToolCall("c1", "clock", "{}");
        ReplyEvent result = new ReplyEvent.ToolResult("c1", true, "12:00", 3);
        log.append(0, new ReplyEvent.Reasoning("thinking"), 0);
        log.append(1, call, 10);
        log.append(2, result, 20);
        log.append(3, text("It is "), 30);
        log.append(4, text("noon."), 40);
        log.append(5, new ReplyEvent.ToolCall("c2", "clock", "{"), 50);
        log.drop(5);

        assertEquals(List.of(new ReplyLog.Chunk(0, new ReplyEvent.Reasoning("thinking"), 0),
                new ReplyLog.Chunk(1, call, 10), new ReplyLog.Chunk(2, result, 20),
                new ReplyLog.Chunk(3, text("It is "), 30), new ReplyLog.Chunk(4, text("noon."), 40)),
                log.readAfter(-1));
        EndedReply ended = EndedReply.of("m1", StreamStatus.COMPLETE, log.readAfter(-1),
                new ReplyEvent.Usage("m", 5, 7, "stop"));
        assertEquals("It is noon.", ended.sentText(), "the text alone");
        assertEquals(5, ended.sentChunks());
        assertArrayEquals(new int[] {0, 0, 0, 6, 11}, ended.chunkEnds());
        assertEquals(Map.of(0, new ReplyEvent.Reasoning("thinking"), 1, call, 2, result), ended.events());
        assertEquals(7, ended.usage().outputTokens());
    }

    private static ReplyEvent text(String delta) {
        return new ReplyEvent.Text(delta);
    }

    @Test
    void onlyTheNextSeqCanBeLoggedAndOnlyTheLastDropped() {
        logWords(2);

        assertThrows(IllegalArgumentException.class, () -> log.append(3, text("gap"), 0));
        assertThrows(IllegalArgumentException.class, () -> log.drop(0));
    }

    @Test
    void nothingIsLoggedAfterTheEnd() {
        logWords(2);
        log.end(ReplyEnd.of(StreamStatus.CANCELLED, 2, null), 0);

        assertThrows(IllegalStateException.class, () -> log.append(2, text("late"), 0));
        log.written(1, 9);
        assertEquals(9, log.readAfter(0).get(0).sentNanos(), "a write that completes late is still recorded");
    }
}
