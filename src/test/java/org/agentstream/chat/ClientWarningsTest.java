package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientWarningsTest {

    private final Logger logger = Logger.getLogger(ClientWarnings.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        logger.setLevel(levelBefore);
    }

    private List<LogRecord> warnings() {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
    }

    @Test
    void aConnectionIsWarnedAboutOnceWithItsIdAndTheRestGoesToFine() {
        ClientWarnings warnings = new ClientWarnings();
        warnings.misbehaved("conn-1", true, "bad_frame: not JSON", null);
        for (int i = 0; i < 1000; i++) {
            warnings.misbehaved("conn-1", false, "bad_frame: not JSON", null);
        }

        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).getMessage().contains("conn-1"), warnings().get(0).getMessage());
        assertEquals(1001, records.size(), "nothing is lost at FINE");
    }

    @Test
    void aFloodOfMisbehavingConnectionsGetsAtMostTenWarningsAMinute() {
        ClientWarnings warnings = new ClientWarnings();
        for (int i = 0; i < 500; i++) {
            warnings.misbehaved("conn-" + i, true, "bad_frame: not JSON", null);
        }

        assertEquals(ClientWarnings.PER_MINUTE, warnings().size());
        assertTrue(warnings().get(ClientWarnings.PER_MINUTE - 1).getMessage().contains("conn-9"));
        assertEquals(500, records.size());
    }
}
