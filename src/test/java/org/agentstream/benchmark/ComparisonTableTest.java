package org.agentstream.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A cell shows the median of the rounds, its ratio to the best peer's median, and the rounds' range. */
class ComparisonTableTest {

    @Test
    void aCellShowsTheMedianItsRatioAndTheRange() {
        ComparisonTable.Spread spread = ComparisonTable.Spread.of(11.1, 10.6, 10.8);

        assertEquals(10.8, spread.median());
        assertEquals("10.8 ms (1.04×) [10.6–11.1]", spread.text("ms", 10.4));
    }

    @Test
    void twoRoundsHaveTheirMeanAsTheMedian() {
        assertEquals(15.0, ComparisonTable.Spread.of(14, 16).median());
    }

    @Test
    void roundsThatPrintAlikeShowNoRange() {
        assertEquals("7 (7.00×)", ComparisonTable.Spread.of(7, 7).text("", 1));
        assertEquals("117 µs", ComparisonTable.Spread.of(117.2, 116.9).text("µs", Double.NaN));
    }

    @Test
    void roundsWithoutAValueAreLeftOut() {
        assertEquals("32 µs (2.00×)", ComparisonTable.Spread.of(Double.NaN, 32, -1).text("µs", 16));
        assertFalse(ComparisonTable.Spread.of(Double.NaN, -1).known());
        assertEquals("n/a", ComparisonTable.Spread.of().text("ms", 1));
    }
}
