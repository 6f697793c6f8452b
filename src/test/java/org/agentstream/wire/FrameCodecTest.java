package org.agentstream.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.util.List;
import org.agentstream.agent.AgentInfo;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.history.ConversationSummary;
import org.agentstream.history.HistoryEntry;
import org.agentstream.history.HistoryPage;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void aMessageFrameDecodesWithAllItsFields() throws Exception {
        InboundFrame frame = codec.decode("{\"type\":\"message\",\"id\":\"c1\",\"agent\":\"echo\",\"content\":\"hi\","
                + "\"conversationId\":\"conv\",\"extra\":[1,2]}");

        assertEquals(frame("message", "c1", "echo", "hi", "conv", null, null), frame);
        assertNull(frame.problem());
    }

    @Test
    void aResumeFrameDecodesItsSeqAsAnIntegerAndNothingElse() throws Exception {
        assertEquals(frame("resume", null, null, null, null, "m1", 41),
                codec.decode("{\"type\":\"resume\",\"messageId\":\"m1\",\"afterSeq\":41}"));
        for (String seq : List.of("\"41\"", "41.5", "true", "[41]", "99999999999999999999")) {
            FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(
                    "{\"type\":\"resume\",\"id\":\"r1\",\"messageId\":\"m1\",\"afterSeq\":" + seq + "}"), seq);
            assertTrue(bad.getMessage().contains("afterSeq"), bad.getMessage());
            assertEquals("r1", bad.replyTo());
        }
    }

    @Test
    void textThatIsNotAJsonObjectIsRefused() {
        for (String text : List.of("hello", "[1,2]", "42", "\"text\"", "{\"type\":", "null", "")) {
            assertNull(assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(text), text).replyTo());
        }
    }

    @Test
    void eachKnownFieldHasOneJsonTypeAndTheErrorNamesIt() {
        for (String value : List.of("false", "42.4", "42", "[\"x\"]", "{}")) {
            FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(
                    "{\"type\":\"message\",\"id\":" + value + ",\"agent\":\"echo\",\"content\":\"x\"}"), value);
            assertTrue(bad.getMessage().contains("\"id\" must be a JSON string"), bad.getMessage());
            assertNull(bad.replyTo(), "an id that is not a string is no id to reply to");
        }
        FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(
                "{\"type\":\"message\",\"id\":\"c7\",\"agent\":5,\"content\":\"x\"}"));
        assertTrue(bad.getMessage().contains("\"agent\""), bad.getMessage());
        assertEquals("c7", bad.replyTo());
    }

    @Test
    void aNullFieldCountsAsAbsentAndUnknownFieldsMayHoldAnything() throws Exception {
        InboundFrame frame = codec.decode("{\"type\":\"message\",\"id\":\"c1\",\"agent\":\"echo\",\"content\":\"hi\","
                + "\"conversationId\":null,\"future\":{\"a\":[[[true]]],\"b\":-1e3}}");

        assertEquals(frame("message", "c1", "echo", "hi", null, null, null), frame);
    }

    @Test
    void anIncompleteFrameIsRefusedWithTheClientsId() {
        FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class,
                () -> codec.decode("{\"type\":\"message\",\"id\":\"c9\",\"agent\":\"echo\"}"));

        assertTrue(bad.getMessage().contains("\"content\""), bad.getMessage());
        assertEquals("c9", bad.replyTo());
    }

    @Test
    void incompleteFramesSayWhatIsMissing() {
        assertTrue(frame(null, "1", null, null, null, null, null).problem().contains("type"));
        assertTrue(frame("dance", null, null, null, null, null, null).problem()
                .contains("unknown frame type"));
        assertTrue(frame("message", " ", "echo", "x", null, null, null).problem().contains("\"id\""));
        assertTrue(frame("message", "1", "", "x", null, null, null).problem().contains("\"agent\""));
        assertTrue(frame("message", "1", "echo", "", null, null, null).problem().contains("\"content\""));
        assertTrue(frame("cancel", null, null, null, null, null, null).problem().contains("\"messageId\""));
        assertTrue(frame("resume", null, null, null, null, "m", null).problem().contains("\"afterSeq\""));
        assertTrue(frame("resume", null, null, null, null, "m", -2).problem().contains("\"afterSeq\""));
        assertTrue(frame("resume", null, null, null, null, " ", 3).problem().contains("\"messageId\""));
        assertNull(frame("resume", null, null, null, null, "m", -1).problem());
        assertNull(frame("agents", null, null, null, null, null, null).problem());
    }

    @Test
    void aTimingReportDecodesItsCountsAsIntegersAndItsSpansAsNumbers() throws Exception {
        assertEquals(new InboundFrame("timing", "t1", null, null, null, "m1", null, 12, 0, 110.5, 110.0, null),
                codec.decode("{\"type\":\"timing\",\"id\":\"t1\",\"messageId\":\"m1\",\"chunks\":12,"
                        + "\"batched\":0,\"receiveSpanMs\":110.5,\"sendSpanMs\":110}"));
    }

    @Test
    void aTimingReportOfTheWrongTypesOrOutOfBoundsIsABadFrame() {
        String good = "\"type\":\"timing\",\"id\":\"t1\",\"messageId\":\"m1\"";
        for (String numbers : List.of(
                "\"chunks\":\"12\",\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12.5,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":true,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":[1],\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":\"1\",\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":{},\"sendSpanMs\":1",
                "\"chunks\":99999999999,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":1,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":-3,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":-1,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":12,\"receiveSpanMs\":1,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":-0.5,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1e300",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":1e999,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"receiveSpanMs\":86400001,\"sendSpanMs\":1",
                "\"chunks\":12,\"batched\":0,\"sendSpanMs\":1",
                "\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1")) {
            String text = "{" + good + "," + numbers + "}";
            FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(text), text);
            assertEquals("t1", bad.replyTo(), text);
        }
        assertThrows(FrameCodec.BadFrame.class, () -> codec.decode("{\"type\":\"timing\",\"chunks\":2,"
                + "\"batched\":0,\"receiveSpanMs\":1,\"sendSpanMs\":1}"), "no messageId");
    }

    @Test
    void everyKindOfReplyEventHasItsFrameWithTheReplysSeqAndSentAt() {
        BigDecimal at = new BigDecimal("1764086400123.456");
        assertEquals("{\"type\":\"chunk\",\"messageId\":\"m\",\"seq\":4,\"delta\":\"Hi\","
                + "\"sentAt\":1764086400123.456}", codec.event("m", 4, new ReplyEvent.Text("Hi"), at, false));
        assertEquals("{\"type\":\"reasoning\",\"messageId\":\"m\",\"seq\":0,\"delta\":\"hmm\","
                + "\"sentAt\":1764086400123.456,\"replayed\":true}",
                codec.event("m", 0, new ReplyEvent.Reasoning("hmm"), at, true));
        assertEquals("{\"type\":\"tool_call\",\"messageId\":\"m\",\"seq\":1,\"callId\":\"c1\",\"tool\":\"clock\","
                + "\"argumentsDelta\":\"{\\\"zone\\\":\",\"sentAt\":1764086400123.456}",
                codec.event("m", 1, new ReplyEvent.ToolCall("c1", "clock", "{\"zone\":"), at, false));
        assertEquals("{\"type\":\"tool_result\",\"messageId\":\"m\",\"seq\":2,\"callId\":\"c1\","
                + "\"status\":\"error\",\"result\":\"timed out\",\"durationMs\":2000,"
                + "\"sentAt\":1764086400123.456}",
                codec.event("m", 2, new ReplyEvent.ToolResult("c1", false, "timed out", 2000), at, false));
        assertEquals("{\"type\":\"stream_end\",\"messageId\":\"m\",\"replyTo\":\"c\",\"status\":\"complete\","
                + "\"chunks\":3,\"usage\":{\"model\":\"gpt\",\"inputTokens\":5,\"outputTokens\":7,"
                + "\"finishReason\":\"stop\"},\"firstChunkMs\":42}",
                codec.encode(new OutboundFrame.StreamEnd("m", "c", "complete", 3,
                        OutboundFrame.Usage.of(new ReplyEvent.Usage("gpt", 5, 7, "stop")), 42L)));
        assertThrows(IllegalArgumentException.class,
                () -> codec.event("m", 3, new ReplyEvent.Usage("gpt", 1, 1, null), at, false));
    }

    @Test
    void serverFramesUseTheFixedWireNames() {
        assertEquals("{\"type\":\"stream_start\",\"messageId\":\"m\",\"replyTo\":\"c\",\"agent\":\"echo\","
                + "\"conversationId\":\"k\"}", codec.encode(new OutboundFrame.StreamStart("m", "c", "echo", "k")));
        assertEquals("{\"type\":\"conversations\",\"conversations\":[{\"conversationId\":\"k\",\"messages\":2,"
                + "\"title\":\"Hi\",\"updatedAt\":1764086400123}]}", codec.encode(new OutboundFrame.Conversations(
                List.of(new ConversationSummary("k", "Hi", 1764086400123L, 2)))));
        assertEquals("{\"type\":\"history\",\"conversationId\":\"k\",\"messages\":[{\"agent\":\"echo\",\"chunks\":0,"
                + "\"content\":\"Hi\",\"createdAt\":1764086400123,\"role\":\"user\",\"status\":\"complete\"}],"
                + "\"olderLeftOut\":0}", codec.encode(new OutboundFrame.History(new HistoryPage("k", List.of(
                new HistoryEntry("user", "echo", "Hi", "complete", null, 1764086400123L, 0)), 0))));
        assertEquals("{\"type\":\"conversation_deleted\",\"conversationId\":\"k\"}",
                codec.encode(new OutboundFrame.ConversationDeleted("k")));
        assertEquals("{\"type\":\"error\",\"replyTo\":\"c\",\"code\":\"busy\",\"message\":\"full\","
                        + "\"retryAfterMs\":1000}",
                codec.encode(new OutboundFrame.Error("c", null, ErrorCode.BUSY, "full", 1000L)));
        assertEquals("{\"type\":\"agents\",\"agents\":[{\"description\":\"d\",\"name\":\"echo\"}]}",
                codec.encode(new OutboundFrame.Agents(List.of(new AgentInfo("echo", "d")))));
        assertEquals("{\"type\":\"chunk\",\"messageId\":\"m\",\"seq\":2,\"delta\":\"<b>\\\"x\\\"</b>\","
                        + "\"sentAt\":1764086400123.456}",
                codec.encode(new OutboundFrame.Chunk("m", 2, "<b>\"x\"</b>",
                        new java.math.BigDecimal("1764086400123.456"))));
    }

    @Test
    void theHandWrittenChunkFrameIsWhatJsonBWrites() throws Exception {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        List<String> tricky = List.of("", "plain ", "\"quoted\"", "back\\slash\\", "\\\"", controls.toString(),
                "\u007f\u0080\u00ff", "\u2028\u2029", "caf\u00e9 \u4e2d\u6587 ", "\ud83d\ude00 emoji", "\ud800 lone",
                "\udc00", "</script><!--", "'single' & <tags>", "line\nbreak\r\n", "tab\tand\bback\fform",
                "/slash/ \\u0041 not an escape", "a".repeat(70_000));
        try (Jsonb jsonb = JsonbBuilder.create()) {
            for (String delta : tricky) {
                for (BigDecimal sentAt : List.of(new BigDecimal("1764086400123.456"),
                        new BigDecimal("1764086400123.400"), BigDecimal.valueOf(1764086400123000L, 3))) {
                    for (boolean replayed : new boolean[] {false, true}) {
                        OutboundFrame.Chunk chunk = new OutboundFrame.Chunk("m-\"1\"", 7, delta, sentAt, replayed);
                        assertEquals(jsonb.toJson(chunk), codec.encode(chunk),
                                () -> "delta " + escapeForMessage(delta) + (replayed ? ", replayed" : ""));
                    }
                }
            }
        }
    }

    @Test
    void aRegenerateAndAnEditDecodeWithTheirIdsAsStrings() throws Exception {
        assertEquals(new InboundFrame("regenerate", "g1", null, null, null, "m1", null, null, null, null, null, null),
                codec.decode("{\"type\":\"regenerate\",\"id\":\"g1\",\"messageId\":\"m1\"}"));
        assertEquals(new InboundFrame("message", "e1", "echo", "better", "k", null, null, null, null, null, null,
                "u1"), codec.decode("{\"type\":\"message\",\"id\":\"e1\",\"agent\":\"echo\","
                        + "\"content\":\"better\",\"conversationId\":\"k\",\"replaces\":\"u1\"}"));
        for (String value : List.of("42", "true", "[\"u1\"]", "{}")) {
            FrameCodec.BadFrame bad = assertThrows(FrameCodec.BadFrame.class, () -> codec.decode(
                    "{\"type\":\"message\",\"id\":\"e2\",\"agent\":\"echo\",\"content\":\"x\","
                            + "\"conversationId\":\"k\",\"replaces\":" + value + "}"), value);
            assertTrue(bad.getMessage().contains("\"replaces\" must be a JSON string"), bad.getMessage());
            assertEquals("e2", bad.replyTo());
        }
    }

    @Test
    void aRegenerateOrAnEditMissingWhatItNamesSaysWhat() {
        assertTrue(new InboundFrame("regenerate", "g1", null, null, null, null, null, null, null, null, null, null)
                .problem().contains("\"messageId\""));
        assertTrue(new InboundFrame("regenerate", null, null, null, null, "m1", null, null, null, null, null, null)
                .problem().contains("\"id\""));
        assertTrue(new InboundFrame("message", "e1", "echo", "x", null, null, null, null, null, null, null, "u1")
                .problem().contains("\"conversationId\""), "an edit names its conversation");
        assertTrue(new InboundFrame("message", "e1", "echo", "x", "k", null, null, null, null, null, null, " ")
                .problem().contains("\"replaces\" is empty"));
        assertNull(new InboundFrame("message", "e1", "echo", "x", "k", null, null, null, null, null, null, "u1")
                .problem());
    }

    @Test
    void streamStartNamesTheUserMessageItAnswersWhenThereIsOne() {
        assertEquals("{\"type\":\"stream_start\",\"messageId\":\"m\",\"replyTo\":\"c\",\"agent\":\"echo\","
                + "\"conversationId\":\"k\",\"userMessageId\":\"u\"}",
                codec.encode(new OutboundFrame.StreamStart("m", "c", "echo", "k", "u")));
    }

    private static String escapeForMessage(String text) {
        return text.chars().limit(40).mapToObj(c -> c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
                : String.valueOf((char) c)).collect(java.util.stream.Collectors.joining());
    }

    /** A frame of the types before timing reports, which have none of its fields. */
    private static InboundFrame frame(String type, String id, String agent, String content, String conversationId,
            String messageId, Integer afterSeq) {
        return new InboundFrame(type, id, agent, content, conversationId, messageId, afterSeq, null, null, null, null,
                null);
    }
}
