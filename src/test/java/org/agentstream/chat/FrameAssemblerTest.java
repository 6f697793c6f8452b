package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameAssemblerTest {

    @Test
    void partsMakeOneFrameAndTheNextStartsEmpty() {
        FrameAssembler frame = new FrameAssembler(100);
        frame.add("{\"type\":");
        frame.add("\"agents\"}");

        assertFalse(frame.tooLarge());
        assertEquals("{\"type\":\"agents\"}", frame.take());
        assertEquals("", frame.take());
    }

    @Test
    void aFramePastTheLimitIsCountedNotKeptAndTheNextFrameIsJudgedAlone() {
        FrameAssembler frame = new FrameAssembler(10);
        frame.add("123456");
        frame.add("78901");

        assertTrue(frame.tooLarge());
        assertEquals("", frame.take(), "nothing of an oversized frame is held");
        frame.add("1234567890");
        assertFalse(frame.tooLarge(), "exactly the limit is allowed");
    }

    @Test
    void theLimitCountsUtf8BytesEvenWhenASurrogatePairIsSplitAcrossParts() {
        assertEquals(1 + 2 + 3 + 4, FrameAssembler.utf8Length("a\u00e9\u20ac\ud83d\ude00"));
        FrameAssembler frame = new FrameAssembler(4);
        frame.add("\ud83d");
        frame.add("\ude00");

        assertFalse(frame.tooLarge(), "one four-byte character");
        assertEquals("\ud83d\ude00", frame.take());
    }
}
