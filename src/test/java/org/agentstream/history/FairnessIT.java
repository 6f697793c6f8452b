package org.agentstream.history;

import static org.agentstream.testing.clients.Conversations.ask;
import static org.agentstream.testing.clients.Conversations.contents;
import static org.agentstream.testing.clients.Conversations.conversations;
import static org.agentstream.testing.clients.Conversations.history;
import static org.agentstream.testing.clients.Conversations.newKey;
import static org.agentstream.testing.clients.Conversations.owner;
import static org.agentstream.testing.clients.Conversations.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.ChatClient.Frame;
import org.agentstream.testing.clients.GapAnalysis;
import org.agentstream.testing.fixtures.DeployedApp;
import org.agentstream.testing.fixtures.ServerAdmin;
import org.junit.jupiter.api.Test;

/**
 * One owner's flood of requests for stored conversations neither queues ahead of another owner's requests nor goes
 * past the owner's request rate, and loses nothing: every frame gets its one answer.
 */
class FairnessIT extends DeployedApp {

    private static final String REQUEST_RATE = "agentstream.chat.max-requests-per-minute";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FLOOD = 2_000;
    private static final int SAMPLES = 5;

    @Test
    void anOwnersRequestsAreAnsweredWhileAnotherOwnersFloodIsStillQueued() throws Exception {
        try (ServerAdmin admin = ServerAdmin.of(base)) {
            admin.setSetting(REQUEST_RATE, "0"); // the queues alone: the flood is all taken
            try (ChatClient alice = ChatClient.connect(base, owner(newKey()));
                    ChatClient bob = ChatClient.connect(base, owner(newKey()))) {
                ask(alice, "a0", "echo", "alice's question", null);
                String bobs = conversationId(bob, ask(bob, "b0", "echo", "bob's question", null).start());
                double[] idle = conversationsMs(alice, "idle");

                for (int i = 0; i < FLOOD; i++) {
                    bob.send(request("history", "h" + i, bobs));
                    bob.send(request("conversations", "c" + i, null));
                }
                List<Frame> bobsAnswers = new ArrayList<>(List.of(bob.next(WAIT)));
                long aliceAsked = System.nanoTime();
                conversations(alice, "first");
                long aliceAnswered = System.nanoTime();
                double[] during = conversationsMs(alice, "during");
                for (int i = 1; i < 2 * FLOOD; i++) {
                    bobsAnswers.add(bob.next(WAIT));
                }
                long toCome = bobsAnswers.stream().filter(frame -> frame.receivedNanos() > aliceAsked).count();
                long whileSheWaited = bobsAnswers.stream().filter(frame -> frame.receivedNanos() > aliceAsked
                        && frame.receivedNanos() <= aliceAnswered).count();
                System.out.printf(Locale.ROOT, "[fairness] alice's conversations: idle p50 %.1f ms, during bob's "
                        + "flood of %d p50 %.1f ms max %.1f ms; of bob's %d answers still to come when she asked, "
                        + "%d came before hers%n", GapAnalysis.percentile(idle, 50), 2 * FLOOD,
                        GapAnalysis.percentile(during, 50), Arrays.stream(during).max().orElseThrow(), toCome,
                        whileSheWaited);

                assertEquals(List.of("conversations", "history"),
                        bobsAnswers.stream().map(Frame::type).distinct().sorted().toList(),
                        "every frame of the flood got its answer, no error");
                assertTrue(toCome >= 100, "bob's flood was still queued when alice asked: " + toCome);
                assertTrue(whileSheWaited <= toCome / 2, "alice's request did not wait for bob's queue: "
                        + whileSheWaited + " of his " + toCome + " queued answers came before hers");
                double idleMs = GapAnalysis.percentile(idle, 50);
                double bound = Math.max(10 * idleMs, idleMs + 1_000);
                assertTrue(GapAnalysis.percentile(during, 50) <= bound,
                        "alice's answers within 10 times their idle time (or a second more): " + Arrays.toString(during)
                                + " against " + Arrays.toString(idle));
                assertEquals(List.of("bob's question", "bob's question"),
                        contents(history(bob, "after", bobs).getJsonArray("messages")), "bob's conversation is whole");
            } finally {
                admin.removeSetting(REQUEST_RATE);
            }
        }
    }

    @Test
    void anOwnerPastTheRequestRateIsRefusedWithItsWaitAndAnotherOwnerGoesOn() throws Exception {
        try (ChatClient alice = ChatClient.connect(base, owner(newKey()));
                ChatClient bob = ChatClient.connect(base, owner(newKey()))) {
            int flood = 1_000; // past the default rate's minute's worth (600)
            for (int i = 0; i < flood; i++) {
                bob.send(request("conversations", "c" + i, null));
            }
            assertEquals(0, conversations(alice, "alice").size(), "another owner's request is answered meanwhile");

            int answered = 0;
            List<Frame> refused = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                Frame frame = bob.next(WAIT);
                if ("error".equals(frame.type())) {
                    refused.add(frame);
                } else {
                    assertEquals("conversations", frame.type(), frame.json().toString());
                    answered++;
                }
            }
            System.out.printf(Locale.ROOT, "[fairness] %d requests from one owner at once: %d answered, %d refused%n",
                    flood, answered, refused.size());
            assertEquals(flood, answered + refused.size(), "every request got its one answer");
            assertTrue(!refused.isEmpty(), "past the rate some are refused");
            Frame first = refused.get(0);
            assertEquals("rate_limited", first.text("code"), first.json().toString());
            assertTrue(first.json().getJsonNumber("retryAfterMs").longValue() > 0, first.json().toString());
        }
    }

    /** The conversation a reply's {@code stream_start} names. */
    private static String conversationId(ChatClient client, Frame streamStart) {
        return streamStart.text("conversationId");
    }

    /** How long each of a few {@code conversations} requests took to be answered, in milliseconds. */
    private static double[] conversationsMs(ChatClient client, String id) throws Exception {
        double[] ms = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long asked = System.nanoTime();
            conversations(client, id + i);
            ms[i] = (System.nanoTime() - asked) / 1e6;
        }
        return ms;
    }
}
