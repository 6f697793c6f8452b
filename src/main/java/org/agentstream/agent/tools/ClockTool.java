package org.agentstream.agent.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The built-in tool {@code clock}: the current date and time, a bean like any tool of the application's. */
@ApplicationScoped
public class ClockTool {

    private final Clock clock;

    public ClockTool() {
        this(Clock.systemUTC());
    }

    ClockTool(Clock clock) {
        this.clock = clock;
    }

    @Tool(name = "clock", value = "The current date and time as ISO-8601, to the second, in a time zone")
    public String now(@P(name = "zone", value = "an IANA time zone such as Europe/Paris, or an offset such as "
            + "+02:00; UTC when empty", required = false) String zone) {
        ZoneId id;
        try {
            id = zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.strip());
        } catch (DateTimeException unknown) {
            throw new IllegalArgumentException("unknown time zone: " + zone);
        }
        return ZonedDateTime.now(clock.withZone(id)).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
