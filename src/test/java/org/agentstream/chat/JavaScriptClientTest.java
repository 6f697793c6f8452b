package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's unit tests (src/test/js, Node's own test runner against a fake WebSocket) with the
 * unit tests, so a change to how the client handles frames fails the build without a server or a browser.
 */
class JavaScriptClientTest {

    private static final Path TESTS = Path.of("src/test/js");

    @Test
    void theClientsFrameHandlingPassesItsNodeTests() throws IOException, InterruptedException {
        assertTrue(Files.isDirectory(TESTS), "run from the project's directory: " + TESTS.toAbsolutePath());
        Path output = Files.createTempFile("agent-stream-node-tests", ".tap");
        try {
            Process node;
            try {
                node = new ProcessBuilder(List.of(System.getProperty("test.node", "node"), "--test", TESTS.toString()))
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("the client's tests need Node 18 or later (apt-get install -y nodejs)", e);
            }
            boolean ended = node.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly();
            }
            String report = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(ended, "node --test ended within 60 s:\n" + report);
            assertEquals(0, node.exitValue(), "node --test " + TESTS + ":\n" + report);
            assertTrue(report.contains("# fail 0") && !report.contains("# pass 0"), report);
        } finally {
            Files.delete(output);
        }
    }
}
