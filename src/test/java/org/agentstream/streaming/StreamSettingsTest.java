package org.agentstream.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Settings an admin can type anything into stay usable: out-of-range values are bounded, bad ones fall back. */
class StreamSettingsTest {

    private static final String MAX_LAG = "agentstream.stream.max-lag-ms";
    private static final String MAX_REPLY = "agentstream.stream.max-reply-ms";

    @AfterEach
    void removeSettings() {
        System.clearProperty(MAX_LAG);
        System.clearProperty(MAX_REPLY);
    }

    @Test
    void hugeBoundsAreAWeekAndStillConvertToNanoseconds() {
        System.setProperty(MAX_LAG, Long.toString(Long.MAX_VALUE));
        System.setProperty(MAX_REPLY, Long.toString(Long.MAX_VALUE));
        StreamSettings.Values values = new StreamSettings().current();

        assertEquals(Duration.ofDays(7).toNanos(), values.maxLag().toNanos());
        assertEquals(Duration.ofDays(7).toNanos(), values.maxReply().toNanos());
    }

    @Test
    void negativeOrInvalidLagLimitsTurnTheRuleOff() {
        System.setProperty(MAX_LAG, "-5");
        assertEquals(Duration.ZERO, new StreamSettings().current().maxLag());
        System.setProperty(MAX_LAG, "fifty");
        assertEquals(Duration.ZERO, new StreamSettings().current().maxLag());
    }
}
