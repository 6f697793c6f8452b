package org.agentstream.chat;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.HostileFrames;
import org.agentstream.testing.clients.HostileFrames.Case;
import org.agentstream.testing.clients.HostileFrames.Expected;
import org.agentstream.testing.clients.HostileFrames.Kind;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.agentstream.testing.fixtures.ServerStatus;
import org.agentstream.testing.fixtures.ServerStatus.CpuWindow;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's fuzz suite: every frame of {@link HostileFrames} goes over one connection and gets exactly one error
 * frame, a valid echo streams completely after every 50, the server closes nothing, and afterwards no reply runs
 * and the server's threads are back to idle CPU. Answers are matched to frames in order (the server answers the
 * frames of a connection in order); the frames of the check replies are told apart by their messageId.
 */
class HostileFramesIT extends DeployedApp {

    private static final long SEED = Long.getLong("fuzz.seed", 10);
    private static final int CHECK_EVERY = 50;
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(10);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(20);
    private static final Duration CPU_WINDOW = Duration.ofSeconds(1);
    /**
     * A thread caught in a parser loop takes a whole core, 1 000 ms of CPU a second (at least half of that on a
     * busy 2-core machine); the servers' own background work (Payara's cluster store and periodic tasks) took up to
     * 224 ms a second on a loaded machine. Idle is under 300, in any of up to ten windows.
     */
    private static final double IDLE_CPU_MS = 300;
    private static final int CPU_WINDOWS = 10;
    /** Connections given up on (closed by the server, or stuck) before the rest is left untried. */
    private static final int MAX_CLOSED = 50;
    private static final int MAX_STUCK = 3;
    private static final String AS_EXPECTED = "as expected";
    private static final String MESSAGE_RATE = "agentstream.chat.max-messages-per-minute";
    private static final String REQUEST_RATE = "agentstream.chat.max-requests-per-minute";

    /**
     * The fuzz sends its frames as fast as it can from one owner, hundreds of them messages: the per-user message
     * and request rates ({@code SignInIT}, {@code FairnessIT} prove them) are off for it, so every frame meets the
     * parser's contract, not a rate.
     */
    @Test
    void everyHostileFrameGetsItsOneErrorAndTheServerReturnsToIdle() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(MESSAGE_RATE, "0");
            admin.setSetting(REQUEST_RATE, "0");
            try {
                fuzz();
            } finally {
                admin.removeSetting(MESSAGE_RATE);
                admin.removeSetting(REQUEST_RATE);
            }
        }
    }

    private void fuzz() throws Exception {
        List<Case> cases = HostileFrames.generate(SEED);
        CpuWindow before = ServerStatus.threadCpuOver(base, CPU_WINDOW);

        Fuzz fuzz = new Fuzz(cases);
        long start = System.nanoTime();
        boolean stillOpen;
        try {
            fuzz.run();
            stillOpen = fuzz.client.awaitClose(Duration.ZERO) == null;
        } finally {
            fuzz.client.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        JsonObject status = ServerStatus.awaitIdle(base, Duration.ofSeconds(10));
        List<CpuWindow> after = new ArrayList<>();
        do {
            after.add(ServerStatus.threadCpuOver(base, CPU_WINDOW));
        } while (after.size() < CPU_WINDOWS && last(after).measured() && !idle(last(after)));

        fuzz.print(seconds);
        System.out.printf(Locale.ROOT, "[fuzz] server threads' CPU: before the fuzz %s; after it %s%n", before,
                after.stream().map(CpuWindow::toString).collect(Collectors.joining(", then ")));

        List<String> failures = fuzz.failures();
        assertAll(
                () -> assertTrue(failures.isEmpty(), failures.size() + " frames not answered as the contract says, "
                        + "first ones:\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size())))),
                () -> assertTrue(fuzz.problems.isEmpty(), "checks, extra frames and closes:\n"
                        + String.join("\n", fuzz.problems.subList(0, Math.min(20, fuzz.problems.size())))),
                () -> assertEquals(fuzz.checksSent, fuzz.checksComplete, "valid messages that streamed completely"),
                () -> assertTrue(fuzz.checksSent >= cases.size() / CHECK_EVERY, fuzz.checksSent + " checks"),
                () -> assertTrue(stillOpen, "the connection is open at the end"),
                () -> assertTrue(status.getBoolean("idle", false) && status.getInt("activeStreams") == 0,
                        "no reply streams afterwards: " + status),
                () -> assertTrue(last(after).measured(), "/status gives threadCpuNanos: " + status),
                () -> assertTrue(idle(last(after)), "the server's threads return to idle (under " + IDLE_CPU_MS
                        + " ms CPU a second) within " + CPU_WINDOWS + " windows: " + after));
    }

    private static boolean idle(CpuWindow window) {
        return window.conclusive() && window.cpuMsPerSecond() < IDLE_CPU_MS;
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    /** A valid echo message sent between hostile frames, and what came back for it. */
    private static final class Check {
        final String id;
        final String content;
        final StringBuilder text = new StringBuilder();
        final List<String> errors = new ArrayList<>();
        String status;

        Check(int number) {
            id = "check-" + number;
            content = "check " + number + " still streams";
        }
    }

    /** Sends the cases over one connection (a new one only if the server loses it) and records every outcome. */
    private final class Fuzz {
        final List<Case> cases;
        final String[] outcomes;
        final JsonObject[] answers;
        final List<String> problems = new ArrayList<>();
        final Map<String, Check> checks = new HashMap<>();
        final Map<String, Check> checksByMessage = new HashMap<>();
        final Set<String> strayStreams = new HashSet<>();
        ChatClient client;
        int hostileSent;
        int checksSent;
        int checksComplete;
        int closed;
        int stuck;

        Fuzz(List<Case> cases) throws Exception {
            this.cases = cases;
            this.outcomes = new String[cases.size()];
            this.answers = new JsonObject[cases.size()];
            this.client = ChatClient.connect(base);
        }

        void run() throws Exception {
            int from = 0;
            while (from < cases.size() && closed <= MAX_CLOSED && stuck <= MAX_STUCK) {
                int to = from + 1;
                while (cases.get(from).kind() == Kind.BURST && to < cases.size()
                        && cases.get(to).kind() == Kind.BURST) {
                    to++;
                }
                exchange(from, to);
                from = to;
            }
            for (int i = from; i < cases.size(); i++) {
                outcomes[i] = "not tried: too many connections lost";
            }
            if (hostileSent % CHECK_EVERY != 0 && client.awaitClose(Duration.ZERO) == null) {
                List<Check> last = new ArrayList<>();
                sendCheck(last);
                awaitChecks(last);
            }
        }

        /**
         * Sends cases {@code from} to {@code to} back to back (one case, or a whole burst), a check after every
         * 50th hostile frame, then reads one answer per case in order, then the checks' replies.
         */
        void exchange(int from, int to) throws Exception {
            if (client.awaitClose(Duration.ZERO) != null) {
                connectionLost("after the answer to " + cases.get(from - 1));
            }
            List<Check> sentChecks = new ArrayList<>();
            int sent = from;
            String unsendable = null;
            while (sent < to && unsendable == null) {
                unsendable = send(cases.get(sent));
                if (unsendable == null) {
                    sent++;
                    if (++hostileSent % CHECK_EVERY == 0 && !sendCheck(sentChecks)) {
                        unsendable = "the check could not be sent";
                    }
                }
            }
            for (int i = from; i < sent; i++) {
                Frame answer = nextAnswer(ANSWER_WAIT, null);
                if (answer == null) {
                    String why = connectionLost("waiting for the answer to " + cases.get(i));
                    for (int j = i; j < to; j++) {
                        outcomes[j] = why;
                    }
                    return;
                }
                answers[i] = answer.json();
                outcomes[i] = judge(cases.get(i).expected(), answer);
            }
            if (unsendable != null) {
                String why = connectionLost("sending " + (sent < to ? cases.get(sent) : "a check") + ": "
                        + unsendable);
                for (int j = sent; j < to; j++) {
                    outcomes[j] = "not sent: " + why;
                }
                return;
            }
            awaitChecks(sentChecks);
        }

        /** Null when sent, else why not. */
        String send(Case hostile) {
            try {
                switch (hostile.delivery()) {
                    case WHOLE, EMPTY -> client.send(hostile.text());
                    case FRAGMENTS -> client.sendFragments(hostile.textParts());
                    case BINARY -> client.sendBinary(hostile.binaryParts());
                }
                return null;
            } catch (IOException | IllegalStateException e) {
                return e.toString();
            }
        }

        boolean sendCheck(List<Check> sentChecks) {
            Check check = new Check(++checksSent);
            checks.put(check.id, check);
            sentChecks.add(check);
            try {
                client.ask(check.id, "echo", check.content);
                return true;
            } catch (IOException | IllegalStateException e) {
                return false;
            }
        }

        /** Reads until every check has ended; any other frame meanwhile is an answer no frame asked for. */
        void awaitChecks(List<Check> sentChecks) throws Exception {
            long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
            for (Check check : sentChecks) {
                while (check.status == null) {
                    Frame extra = nextAnswer(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), check);
                    if (extra != null) {
                        problems.add("a frame no hostile frame asked for, before " + check.id + " ended: "
                                + extra.json());
                    } else if (check.status == null) {
                        problems.add(check.id + " did not end: " + connectionLost("waiting for " + check.id));
                        return;
                    }
                }
                if ("complete".equals(check.status) && check.content.contentEquals(check.text)
                        && check.errors.isEmpty()) {
                    checksComplete++;
                } else {
                    problems.add(check.id + " ended " + check.status + " with text \"" + check.text + "\", errors "
                            + check.errors);
                }
                checks.remove(check.id);
            }
        }

        /**
         * The next frame that is not part of a check's reply (nor of a reply no check asked for); null when none
         * comes in time, or as soon as {@code awaited} (if not null) has ended.
         */
        Frame nextAnswer(Duration timeout, Check awaited) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (awaited == null || awaited.status == null) {
                Frame frame = client.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (frame == null || !routedToAReply(frame)) {
                    return frame;
                }
            }
            return null;
        }

        private boolean routedToAReply(Frame frame) {
            String messageId = frame.text("messageId");
            Check check = messageId == null ? null : checksByMessage.get(messageId);
            boolean stray = messageId != null && strayStreams.contains(messageId);
            switch (String.valueOf(frame.type())) {
                case "stream_start" -> {
                    Check started = checks.get(frame.text("replyTo"));
                    if (started == null) {
                        strayStreams.add(messageId);
                        return false;
                    }
                    checksByMessage.put(messageId, started);
                    return true;
                }
                case "chunk" -> {
                    if (check != null) {
                        check.text.append(frame.text("delta"));
                    }
                    return check != null || stray;
                }
                case "stream_end" -> {
                    if (check != null) {
                        check.status = frame.text("status");
                    }
                    return check != null || stray;
                }
                case "error" -> {
                    Check about = check != null ? check : checks.get(frame.text("replyTo"));
                    if (about != null) {
                        about.errors.add(frame.text("code"));
                    }
                    return about != null || stray;
                }
                default -> {
                    return false;
                }
            }
        }

        /** Gives up the connection and opens another, unless too many were lost; says why it was lost. */
        String connectionLost(String when) throws Exception {
            CloseReason reason = client.awaitClose(Duration.ZERO);
            String why;
            if (reason != null) {
                closed++;
                why = "connection closed by the server (" + reason.getCloseCode().getCode() + " "
                        + reason.getReasonPhrase() + ")";
            } else {
                stuck++;
                why = "no answer within " + ANSWER_WAIT.toSeconds() + " s";
            }
            problems.add(why + ", " + when);
            client.close();
            checks.clear();
            checksByMessage.clear();
            strayStreams.clear();
            if (closed <= MAX_CLOSED && stuck <= MAX_STUCK) {
                client = ChatClient.connect(base);
            }
            return why;
        }

        /** The label of what a case got: "as expected", or how it differs from what it should get. */
        private String judge(Expected expected, Frame answer) {
            if (!"error".equals(answer.type())) {
                return "a " + answer.type() + " frame";
            }
            String code = answer.text("code");
            if (!expected.code().equals(code)) {
                return code + " instead of " + expected.code();
            }
            if (!Objects.equals(expected.replyTo(), answer.text("replyTo"))) {
                return expected.code() + " with replyTo " + (expected.replyTo() == null ? "set" : "wrong");
            }
            String message = answer.text("message");
            if (expected.mentions() != null && (message == null || !message.contains(expected.mentions()))) {
                return expected.code() + " whose message does not name " + expected.mentions();
            }
            return AS_EXPECTED;
        }

        List<String> failures() {
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (!AS_EXPECTED.equals(outcomes[i])) {
                    String answer = String.valueOf(answers[i]);
                    failures.add("#" + i + " " + cases.get(i) + ", expected " + cases.get(i).expected() + ": "
                            + outcomes[i] + (answers[i] == null ? "" : "; got "
                            + answer.substring(0, Math.min(300, answer.length()))));
                }
            }
            return failures;
        }

        void print(double seconds) {
            Map<Kind, Map<String, Integer>> byKind = new EnumMap<>(Kind.class);
            Map<String, Integer> total = new LinkedHashMap<>();
            for (int i = 0; i < cases.size(); i++) {
                byKind.computeIfAbsent(cases.get(i).kind(), k -> new LinkedHashMap<>()).merge(outcomes[i], 1,
                        Integer::sum);
                total.merge(outcomes[i], 1, Integer::sum);
            }
            System.out.printf(Locale.ROOT, "[fuzz] seed %d: %d hostile frames and %d valid messages in %.1f s; "
                    + "connections closed by the server %d, stuck %d%n", SEED, cases.size(), checksSent, seconds,
                    closed, stuck);
            System.out.printf(Locale.ROOT, "[fuzz] %-18s %6s %12s  %s%n", "kind", "frames", AS_EXPECTED,
                    "other outcomes");
            byKind.forEach((kind, outcomes) -> row(kind.name(), outcomes));
            row("all", total);
            System.out.printf(Locale.ROOT, "[fuzz] valid messages streamed completely: %d of %d; other problems: %d%n",
                    checksComplete, checksSent, problems.size());
        }

        private void row(String name, Map<String, Integer> outcomes) {
            int frames = outcomes.values().stream().mapToInt(Integer::intValue).sum();
            String others = outcomes.entrySet().stream().filter(e -> !AS_EXPECTED.equals(e.getKey()))
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining("; "));
            System.out.printf(Locale.ROOT, "[fuzz] %-18s %6d %12d  %s%n", name, frames,
                    outcomes.getOrDefault(AS_EXPECTED, 0), others);
        }
    }
}
