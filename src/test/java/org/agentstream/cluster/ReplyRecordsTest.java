package org.agentstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.streaming.ReplyEnd;
import org.agentstream.streaming.StreamStatus;
import org.agentstream.testing.doubles.MemoryGrid;
import org.junit.jupiter.api.Test;

/** A reply's frames of every kind, as the grid's log keeps them, read back in order until the first gap. */
class ReplyRecordsTest {

    private final SharedMap replies = new MemoryGrid().join("a").map(SharedMap.Name.REPLIES);

    @Test
    void everyKindOfFrameIsReadBackWithItsSeqAndTimeUntilAGap() {
        List<ReplyEvent> events = List.of(new ReplyEvent.Reasoning("hmm"),
                new ReplyEvent.ToolCall("c1", "calculator", "{\"expression\":\"1 + 1\"}"),
                new ReplyEvent.ToolResult("c1", false, "no such tool", 3), new ReplyEvent.Text("12 34 "),
                new ReplyEvent.Text("{\"looks\":\"like json\"}"), new ReplyEvent.Text(""));
        for (int seq = 0; seq < events.size(); seq++) {
            replies.putAll(Map.of(ReplyRecords.chunkKey("m", seq), ReplyRecords.chunkValue(1_000 + seq,
                    events.get(seq))), Duration.ofMinutes(1));
        }
        replies.putAll(Map.of(ReplyRecords.chunkKey("m", 7), ReplyRecords.chunkValue(9, events.get(0))),
                Duration.ofMinutes(1));

        List<ReplyRecords.LoggedChunk> read = ReplyRecords.read(replies, "m", 0, -1);

        assertEquals(events, read.stream().map(ReplyRecords.LoggedChunk::event).toList(), "up to the gap at 6");
        assertEquals(List.of(1_000L, 1_001L, 1_002L, 1_003L, 1_004L, 1_005L),
                read.stream().map(ReplyRecords.LoggedChunk::sentAtMicros).toList());
        assertEquals(List.of(), ReplyRecords.read(replies, "other", 0, -1));
    }

    @Test
    void anEndedHeaderKeepsWhatTheModelUsedAndWhenTheFirstFrameLeftForAnEndToldFromAnotherMember() {
        ReplyEvent.Usage usage = new ReplyEvent.Usage("gpt", 5, null, "tool_calls");
        ReplyRecords.Header ended = ReplyRecords.Header.streaming("m", "alice", "node-a", "c1", null)
                .ended(new ReplyEnd(StreamStatus.COMPLETE, 9, null, usage, 42L), 9);

        ReplyRecords.Header read = ReplyRecords.Header.parse("m", ended.json());

        assertEquals(new ReplyEnd(StreamStatus.COMPLETE, 9, null, usage, 42L), read.end());
        assertEquals(new ReplyEnd(StreamStatus.INTERRUPTED, 0, null, null, null), ReplyRecords.Header.parse("m",
                ReplyRecords.Header.streaming("m", "alice", "node-a", "c1", null)
                        .ended(ReplyEnd.of(StreamStatus.INTERRUPTED, 0, null), 0).json()).end());
    }
}
