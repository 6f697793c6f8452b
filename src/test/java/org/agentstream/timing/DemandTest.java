package org.agentstream.timing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemandTest {

    private final Demand demand = new Demand();

    @Test
    void requestsAddUpAndEachDeliveryTakesOne() {
        assertFalse(demand.any());
        demand.add(2);
        demand.took();
        assertTrue(demand.any());
        demand.took();
        assertFalse(demand.any());
    }

    @Test
    void aTotalPastTheLargestLongStaysUnbounded() {
        demand.add(Long.MAX_VALUE);
        demand.add(Long.MAX_VALUE);
        demand.took();

        assertTrue(demand.any(), "did not wrap around to a negative total");
    }

    @Test
    void aRequestOfZeroOrLessIsARuleViolation() {
        assertThrows(IllegalArgumentException.class, () -> demand.add(0));
        assertThrows(IllegalArgumentException.class, () -> demand.add(-1));
        assertFalse(demand.any(), "nothing was added");
    }
}
