package org.agentstream.streaming;

import static org.agentstream.testing.clients.GapAnalysis.min;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.junit.jupiter.api.Test;

/** A setting changed through the server's management interface applies to the next reply, with no redeploy. */
class SettingsIT extends DeployedApp {

    private static final String PAUSE = "agentstream.stream.pause-ms";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aPauseChangedInTheConsoleAppliesToTheNextReply() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base); ChatClient client = ChatClient.connect(base)) {
            double[] byDefault = client.echoSendGaps("default", WAIT);
            double[] changed;
            try {
                admin.setSetting(PAUSE, "35");
                changed = client.echoSendGaps("changed", WAIT);
            } finally {
                admin.removeSetting(PAUSE);
            }
            double[] restored = client.echoSendGaps("restored", WAIT);

            System.out.printf(Locale.ROOT, "[settings] smallest send gap: default %.2f ms, pause 35 ms %.2f ms, "
                    + "restored %.2f ms%n", min(byDefault), min(changed), min(restored));
            assertTrue(min(byDefault) >= 9.99 && GapAnalysis.percentile(byDefault, 50) < 30,
                    Arrays.toString(byDefault));
            assertTrue(min(changed) >= 34.99, "the next reply after the change is paced 35 ms: "
                    + Arrays.toString(changed));
            assertTrue(min(restored) >= 9.99 && GapAnalysis.percentile(restored, 50) < 30,
                    "removing the setting restores the default: " + Arrays.toString(restored));
        }
    }

    @Test
    void theServerConfigScriptsGiveTheApplicationItsOwnExecutor() throws Exception {
        String executor = ServerStatus.read(base).getString("executor");
        assertTrue(executor.endsWith("agentstream") || executor.endsWith("agentstream-scheduler"),
                "server-config/ created the executor and the application found it: " + executor);
    }

}
