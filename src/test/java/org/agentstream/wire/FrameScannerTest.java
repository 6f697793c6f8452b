package org.agentstream.wire;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.agentstream.wire.FrameScanner.Kind;
import org.junit.jupiter.api.Test;

class FrameScannerTest {

    private static final String VALID =
            "{\"type\":\"message\",\"id\":\"c1\",\"agent\":\"echo\",\"content\":\"h\\u00e9 [x]\",\"n\":-1.5e3}";

    private static String rejection(String text) {
        return assertThrows(FrameScanner.Rejected.class, () -> FrameScanner.scan(text), text).getMessage();
    }

    @Test
    void aFrameReportsTheTypeOfEachTopLevelFieldAndItsStrings() throws Exception {
        FrameScanner.Fields fields = FrameScanner.scan(" {\"a\":\"x\\\"y\",\"b\":[1,{\"c\":null}],\"d\":{},\"e\":7,"
                + "\"f\":0.5,\"g\":true,\"h\":null}\r\n");

        assertEquals(Map.of("a", Kind.STRING, "b", Kind.ARRAY, "d", Kind.OBJECT, "e", Kind.INTEGER, "f", Kind.NUMBER,
                "g", Kind.BOOLEAN, "h", Kind.NULL), fields.kinds());
        assertEquals(Map.of("a", "x\"y"), fields.strings());
    }

    @Test
    void theTenKilobyteFrameOfUnclosedBracketsIsRefusedByTheDepthLimit() {
        String hostile = "{\"type\":\"message\",\"id\":\"f1\",\"agent\":\"echo\",\"content\":\"x\",\"x\":"
                + "[".repeat(10_000) + "}";

        assertTrue(rejection(hostile).contains("deeper than 16"), rejection(hostile));
    }

    @Test
    void everyTruncationOfAValidFrameIsRefused() throws Exception {
        FrameScanner.scan(VALID);
        for (int length = 0; length < VALID.length(); length++) {
            rejection(VALID.substring(0, length));
        }
    }

    @Test
    void unclosedNestingIsRefusedAtAnyDepthWithinTheLimit() {
        for (int depth = 1; depth < 16; depth++) {
            rejection("{\"x\":" + "[".repeat(depth));
            rejection("{\"x\":" + "{\"y\":".repeat(depth));
            rejection("{\"x\":" + "[{\"y\":".repeat(depth / 2 + 1));
        }
    }

    @Test
    void nestingUpToSixteenLevelsIsAcceptedAndDeeperIsRefused() {
        assertDoesNotThrow(() -> FrameScanner.scan("{\"x\":" + "[".repeat(15) + "]".repeat(15) + "}"));
        assertTrue(rejection("{\"x\":" + "[".repeat(16) + "]".repeat(16) + "}").contains("16"));
        assertDoesNotThrow(() -> FrameScanner.scan("{\"x\":" + "{\"y\":".repeat(15) + "1" + "}".repeat(16)));
        assertTrue(rejection("{\"x\":" + "{\"y\":".repeat(16) + "1" + "}".repeat(17)).contains("16"));
    }

    @Test
    void aFrameHoldsAtMost512Values() {
        String ok = "{\"x\":[" + "0,".repeat(510) + "0]}";
        String over = "{\"x\":[" + "0,".repeat(511) + "0]}";

        assertDoesNotThrow(() -> FrameScanner.scan(ok));
        assertTrue(rejection(over).contains("512"));
    }

    @Test
    void numbersFollowJsonsGrammarAndAreAtMost32Characters() {
        for (String number : List.of("0", "-0", "12", "-3.25", "1e9", "2E-3", "4.5e+10", "1".repeat(32))) {
            assertDoesNotThrow(() -> FrameScanner.scan("{\"n\":" + number + "}"), number);
        }
        for (String number : List.of("-", "01", "1.", ".5", "+1", "1e", "1e+", "--1", "0x10", "NaN", "1.2.3")) {
            rejection("{\"n\":" + number + "}");
        }
        assertTrue(rejection("{\"n\":" + "1".repeat(33) + "}").contains("32"));
    }

    @Test
    void keysAreAtMost256Characters() {
        assertDoesNotThrow(() -> FrameScanner.scan("{\"" + "k".repeat(256) + "\":1}"));
        assertTrue(rejection("{\"" + "k".repeat(257) + "\":1}").contains("256"));
    }

    @Test
    void stringsRefuseControlCharactersBadEscapesAndUnpairedSurrogates() throws Exception {
        for (String bad : List.of("a\u0000b", "tab\there", "new\nline", "\\x41", "\\u12", "\\u12G4", "\\ud800",
                "\\udc00", "\\ud800x", "\\ud800\\ud800", "\\ud800\\u0041", "\ud800", "x\udc00")) {
            rejection("{\"s\":\"" + bad + "\"}");
        }
        FrameScanner.Fields fields = FrameScanner.scan(
                "{\"s\":\"\\ud83d\\ude00 \\u0000 \ud83d\ude00 \\/\\b\\f\\n\\r\\t\"}");
        assertEquals("\ud83d\ude00 \u0000 \ud83d\ude00 /\b\f\n\r\t", fields.strings().get("s"));
    }

    @Test
    void aKeyTwiceInAnyObjectIsRefused() {
        assertTrue(rejection("{\"id\":\"a\",\"id\":\"b\"}").contains("\"id\""));
        assertTrue(rejection("{\"x\":[{\"k\":1,\"k\":2}]}").contains("\"k\""));
        assertDoesNotThrow(() -> FrameScanner.scan("{\"x\":{\"k\":1},\"y\":{\"k\":1}}"));
    }

    @Test
    void onlyAnObjectWithNothingAfterItIsAFrame() {
        for (String text : List.of("", "   ", "[1]", "\"text\"", "42", "null", "{\"a\":1}x", "{\"a\":1}{}", "{a:1}",
                "{\"a\" 1}", "{\"a\":1,}", "{\"a\":[1,]}", "{,}", "{\"a\":tru}", "{\"a\":nul}", "\ufeff{}")) {
            rejection(text);
        }
    }
}
