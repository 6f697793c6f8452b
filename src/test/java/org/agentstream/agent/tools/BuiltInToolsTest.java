package org.agentstream.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in tools {@code clock} and {@code calculator}, as plain objects. */
class BuiltInToolsTest {

    private final ClockTool clock = new ClockTool(Clock.fixed(Instant.parse("2026-12-05T14:30:15.123Z"),
            ZoneOffset.UTC));
    private final CalculatorTool calculator = new CalculatorTool();

    @Test
    void theClockTellsTheTimeInUtcOrTheZoneAsked() {
        assertEquals("2026-12-05T14:30:15Z", clock.now(null));
        assertEquals("2026-12-05T14:30:15Z", clock.now(""));
        assertEquals("2026-12-05T15:30:15+01:00", clock.now("Europe/Paris"));
        assertEquals("2026-12-05T16:30:15+02:00", clock.now("+02:00"));
    }

    @Test
    void anUnknownZoneIsAnError() {
        IllegalArgumentException failed = assertThrows(IllegalArgumentException.class, () -> clock.now("Mars/Base"));
        assertEquals("unknown time zone: Mars/Base", failed.getMessage());
    }

    @Test
    void theCalculatorEvaluatesArithmetic() {
        assertEquals("395", calculator.evaluate("17 * 23 + 4"));
        assertEquals("197.5", calculator.evaluate("(17 * 23 + 4) / 2"));
        assertEquals("1024", calculator.evaluate("2 ^ 10"));
        assertEquals("0.3333333333333333333333333333333333", calculator.evaluate("1 / 3"));
        assertEquals("1.4142135623730950488016887242096", calculator.evaluate("SQRT(2)").substring(0, 33));
    }

    @Test
    void theCalculatorRefusesNamesLongInputAndNonsense() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> calculator.evaluate("x * 2")).getMessage()
                .contains("unknown names: x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> calculator.evaluate("1+".repeat(150) + "1"))
                .getMessage().contains("longer than 200"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> calculator.evaluate("17 * * 3")).getMessage()
                .startsWith("cannot evaluate 17 * * 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> calculator.evaluate("1 / 0")).getMessage()
                .startsWith("cannot evaluate 1 / 0"));
        assertThrows(IllegalArgumentException.class, () -> calculator.evaluate(" "));
    }

    @Test
    void theCalculatorKeepsItsMathFunctions() {
        assertEquals("4", calculator.evaluate("SQRT(16)"));
        assertEquals("1", calculator.evaluate("(1+2)/3"));
        assertEquals("3.14", calculator.evaluate("ROUND(PI, 2)"));
        assertEquals("7", calculator.evaluate("MAX(ABS(-7), MIN(2, 3))"));
        assertEquals("0.125", calculator.evaluate("2 ^ -3"));
        assertEquals("-8", calculator.evaluate("-2 ^ 3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2^9^9^9", "2^999999999", "SQRT(2^999999999)", "FLOOR(1e999999)", "1e999999 + 1",
        "ROUND(1, 99999999)", "FACT(100000)", "STR_FORMAT(\"%500000000s\", 1)", "10^1000 * 10^1000",
        "(10^900)^2", "2^0.5", "1 / 10^999 / 10^999", "12345678901234567890123456789012345678901234567890",
        "\"a\" + \"b\"", "DT_DATE_NEW(2026, 1, 1)", "LEFT(\"abc\", 2)"})
    void theCalculatorRefusesHugeWorkQuickly(String hostile) {
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IllegalArgumentException.class, () -> calculator.evaluate(hostile)));
    }
}
