package org.agentstream.benchmark;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.agentstream.testing.clients.ChatClient;
import org.agentstream.testing.clients.Conversations;
import org.agentstream.testing.clients.HostileFrames;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;

/**
 * The soak's users, a mix like real use. Each of the build's chat users signs in, chats in two tabs for half a
 * minute to a minute and a half, and signs out, over and over. A tab lists the user's conversations, continues one
 * or starts a new one, with model-like replies ({@code simulated-model}) and instant ones ({@code echo}); it cancels
 * some mid-reply, loses some with its connection and resumes them on a new one, reads an older conversation now and
 * then, and sends hostile frames, each of which must get its error frame. One user floods now and then: hundreds of
 * messages and requests without reading, which must meet {@code rate_limited}. What the clients see goes into the
 * {@link SoakLedger}. The client side is bounded: a thread per user and per tab, one exchange at a time each.
 */
final class SoakMix {

    static final List<String> USERS = List.of(BuildUsers.DEMO, BuildUsers.ALICE, BuildUsers.BOB);
    private static final String FLOODER = BuildUsers.BOB;
    private static final int TABS = 2;
    private static final String ECHO = "echo";
    private static final String MODEL = "simulated-model";
    /** How long a user stays signed in, at least and at most. */
    private static final Duration CYCLE_MIN = Duration.ofSeconds(30);
    private static final Duration CYCLE_MAX = Duration.ofSeconds(90);
    /** How long a tab waits for the next frame of what it asked before it calls the answer lost. */
    private static final Duration FRAME_WITHIN = Duration.ofSeconds(60);
    /** A conversation takes at most this many turns, so that one history answer holds all of it. */
    private static final int MAX_TURNS = 30;
    private static final int NEW_CONVERSATION_PERCENT = 25;
    /** A flood's messages, and its requests for stored conversations: more than the request rate's 600 a minute. */
    private static final int FLOOD_MESSAGES = 300;
    private static final int FLOOD_REQUESTS = 700;
    private static final Duration FIRST_FLOOD = Duration.ofSeconds(90);
    private static final Duration FLOOD_EVERY = Duration.ofMinutes(5);
    /** How long the flooder sends on without reading anything, after its frames are out. */
    private static final Duration FLOOD_DEAF = Duration.ofSeconds(1);

    /** How a tab ends a reply it asked for. */
    private enum Ending {
        READ, CANCEL, DROP
    }

    /** A conversation of a user's, and its turns so far (counted when asked); guarded by the user's list. */
    private static final class Known {
        final String id;
        int turns;

        Known(String id) {
            this.id = id;
        }
    }

    private final URL base;
    private final URI chat;
    private final HttpClient http;
    private final SoakLedger ledger;
    private final long seed;
    private final List<HostileFrames.Case> hostileFrames;
    private final Map<String, List<Known>> conversations = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong nextFlood;
    private final ExecutorService userThreads;
    private final ExecutorService tabThreads;
    private final List<Future<?>> users = new ArrayList<>();
    private volatile boolean running = true;

    SoakMix(URL base, HttpClient http, SoakLedger ledger, long seed) {
        this.base = base;
        this.chat = ChatClient.chatUri(base);
        this.http = http;
        this.ledger = ledger;
        this.seed = seed;
        this.hostileFrames = HostileFrames.generate(seed);
        this.nextFlood = new AtomicLong(System.nanoTime() + FIRST_FLOOD.toNanos());
        this.userThreads = Executors.newFixedThreadPool(USERS.size(), named("soak-user"));
        this.tabThreads = Executors.newFixedThreadPool(USERS.size() * TABS, named("soak-tab"));
        USERS.forEach(user -> conversations.put(user, new ArrayList<>()));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    void start() {
        for (int i = 0; i < USERS.size(); i++) {
            String user = USERS.get(i);
            Random random = new Random(seed * 31 + i);
            users.add(userThreads.submit(() -> cycles(user, random)));
        }
    }

    /** Lets every tab finish what it is doing and every user sign out; waits for that at most {@code within}. */
    void stop(Duration within) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + within.toNanos();
        for (Future<?> user : users) {
            try {
                user.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                ledger.problem("a user's thread failed: " + e.getCause());
            } catch (TimeoutException e) {
                ledger.problem("a user was still busy " + within.toSeconds() + " s after the end");
            }
        }
        userThreads.shutdownNow();
        tabThreads.shutdownNow();
    }

    /** Sign in, two tabs for a while, sign out; again until the end. */
    private void cycles(String user, Random random) {
        int cycle = 0;
        while (running) {
            String cookie;
            try {
                cookie = SignIn.signIn(base, user, BuildUsers.passwordOf(user));
                ledger.count("sign-ins");
            } catch (IOException e) {
                ledger.problem(user + " could not sign in: " + e);
                pause(Duration.ofSeconds(5));
                continue;
            }
            cycle++;
            long cycleEnd = System.nanoTime() + CYCLE_MIN.toNanos()
                    + (long) (random.nextDouble() * (CYCLE_MAX.toNanos() - CYCLE_MIN.toNanos()));
            List<Future<?>> tabs = new ArrayList<>();
            for (int t = 0; t < TABS; t++) {
                Tab tab = new Tab(user, user + "#" + cycle + "." + t, t, cookie, new Random(random.nextLong()));
                tabs.add(tabThreads.submit(() -> tab.run(cycleEnd)));
            }
            for (Future<?> tab : tabs) {
                try {
                    tab.get(Math.max(0, cycleEnd - System.nanoTime()) + TimeUnit.MINUTES.toNanos(3),
                            TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    ledger.problem(user + "'s tab failed: " + e.getCause());
                } catch (TimeoutException e) {
                    ledger.problem(user + "'s tab was still busy 3 minutes after its cycle's end");
                    tab.cancel(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try {
                int status = SignIn.signOut(base, cookie);
                ledger.count("sign-outs");
                if (status != 302) {
                    ledger.problem(user + "'s sign-out answered " + status);
                }
            } catch (IOException e) {
                ledger.problem(user + " could not sign out: " + e);
            }
            pause(Duration.ofMillis(500 + random.nextInt(1500)));
        }
    }

    /** A user's pause between two things: thinking, reading, or waiting as an error frame said. */
    private static void pause(Duration pause) {
        try {
            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The flooder floods when a flood is due, at most one at a time; the next is due {@link #FLOOD_EVERY} on. */
    private boolean floodDue() {
        long due = nextFlood.get();
        return System.nanoTime() >= due && nextFlood.compareAndSet(due, due + FLOOD_EVERY.toNanos());
    }

    private String nextId(String prefix) {
        return prefix + ids.incrementAndGet();
    }

    private static String type(JsonObject frame) {
        return frame.getString("type", "");
    }

    private static String text(JsonObject frame, String name) {
        JsonValue value = frame.get(name);
        return value instanceof JsonString string ? string.getString() : null;
    }

    private static long number(JsonObject frame, String name, long otherwise) {
        return frame.get(name) instanceof JsonNumber number ? number.longValue() : otherwise;
    }

    /** One tab of a signed-in user: one connection at a time, one exchange at a time. */
    private final class Tab {
        private final String user;
        private final String name;
        private final int index;
        private final String cookie;
        private final Random random;
        private SoakSocket socket;

        Tab(String user, String name, int index, String cookie, Random random) {
            this.user = user;
            this.name = name;
            this.index = index;
            this.cookie = cookie;
            this.random = random;
        }

        void run(long cycleEnd) {
            try {
                socket = SoakSocket.open(http, chat, cookie);
                if (index == 0) {
                    listConversations();
                }
                while (running && System.nanoTime() < cycleEnd && !Thread.currentThread().isInterrupted()) {
                    turn();
                    pause(Duration.ofMillis(300 + random.nextInt(1700)));
                }
                socket.close();
            } catch (IOException e) {
                ledger.problem(name + ": " + e);
                if (socket != null) {
                    socket.drop();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void turn() throws IOException, InterruptedException {
            if (FLOODER.equals(user) && index == 0 && floodDue()) {
                flood();
                return;
            }
            int roll = random.nextInt(100);
            if (roll < 8) {
                hostile();
            } else if (roll < 12) {
                readHistory();
            } else if (roll < 52) {
                ask(ECHO, Conversations.words(5 + random.nextInt(36)), Ending.READ);
            } else if (roll < 74) {
                ask(MODEL, "tell me something", Ending.READ);
            } else if (roll < 87) {
                ask(MODEL, "tell me more", Ending.CANCEL);
            } else {
                ask(random.nextBoolean() ? MODEL : ECHO, Conversations.words(40), Ending.DROP);
            }
        }

        /** A conversation to continue, its turn counted; null for a new one. */
        private Known pick() {
            List<Known> known = conversations.get(user);
            synchronized (known) {
                List<Known> open = known.stream().filter(conversation -> conversation.turns < MAX_TURNS).toList();
                if (open.isEmpty() || random.nextInt(100) < NEW_CONVERSATION_PERCENT) {
                    return null;
                }
                Known picked = open.get(random.nextInt(open.size()));
                picked.turns++;
                return picked;
            }
        }

        /** Asks an agent in a conversation and reads the reply to its end, ending it as {@code ending} says. */
        private void ask(String agent, String content, Ending ending) throws IOException, InterruptedException {
            Known known = pick();
            String id = nextId("m");
            socket.send(Conversations.message(id, agent, content, known == null ? null : known.id));
            ledger.count("messages sent");
            JsonObject answer = await(frame -> id.equals(text(frame, "replyTo"))
                    && ("stream_start".equals(type(frame)) || "error".equals(type(frame))), "message " + id);
            if (answer == null) {
                return;
            }
            if ("error".equals(type(answer))) {
                refused(answer);
                return;
            }
            String messageId = answer.getString("messageId");
            String conversationId = answer.getString("conversationId");
            if (known == null) {
                List<Known> list = conversations.get(user);
                synchronized (list) {
                    Known started = new Known(conversationId);
                    started.turns = 1;
                    list.add(started);
                }
            }
            ledger.conversation(user, conversationId);
            int turnAt = ending == Ending.READ ? -1 : 1 + random.nextInt(20);
            HeldChunks held = new HeldChunks();
            while (true) {
                JsonObject frame = socket.next(FRAME_WITHIN);
                if (frame == null || SoakSocket.CLOSED.equals(type(frame))) {
                    lost("reply " + messageId + " (" + agent + ", " + ending + ")", frame);
                    return;
                }
                if (!messageId.equals(text(frame, "messageId"))) {
                    ledger.problem(name + ": a frame of no reply it asked for: " + frame);
                    continue;
                }
                switch (type(frame)) {
                    case "chunk" -> {
                        if (held.add(frame) && held.size() == turnAt) {
                            if (ending == Ending.CANCEL) {
                                socket.send(Conversations.cancel(messageId));
                                ledger.count("cancels sent mid-reply");
                            } else {
                                dropAndResume(messageId, held.lastSeq());
                            }
                        }
                    }
                    case "stream_end" -> {
                        ended(held, frame, conversationId, messageId);
                        return;
                    }
                    case "error" -> {
                        String code = text(frame, "code");
                        ledger.count("error " + code + " in a reply");
                        if ("unknown_message".equals(code) || "already_streaming".equals(code)) {
                            ledger.problem(name + ": the resume of " + messageId + " got " + frame);
                            ledger.count("replies unfinished");
                            return;
                        }
                    }
                    default -> ledger.problem(name + ": an unexpected frame in reply " + messageId + ": " + frame);
                }
            }
        }

        private void ended(HeldChunks held, JsonObject end, String conversationId, String messageId) {
            long chunks = number(end, "chunks", -1);
            if (!held.whole(chunks)) {
                ledger.problem(name + ": reply " + messageId + " ended with " + chunks + " chunks, the client holds "
                        + held);
            }
            ledger.replyEnded(new SoakLedger.SeenReply(user, conversationId, messageId, held.text(),
                    text(end, "status")));
        }

        /** Loses the connection mid-reply, as a network does, and resumes the reply on a new one. */
        private void dropAndResume(String messageId, int afterSeq) throws IOException, InterruptedException {
            socket.drop();
            ledger.count("connections dropped mid-reply");
            socket = SoakSocket.open(http, chat, cookie);
            socket.send(Conversations.resume(nextId("r"), messageId, afterSeq));
            ledger.count("resumes sent");
        }

        /** A message refused before its reply started: busy and rate_limited are waited out, anything else is wrong. */
        private void refused(JsonObject error) {
            String code = text(error, "code");
            ledger.count("refused " + code);
            switch (code == null ? "" : code) {
                case "busy", "rate_limited" -> pause(Duration.ofMillis(Math.min(10_000,
                        number(error, "retryAfterMs", 1000))));
                default -> ledger.problem(name + ": a message was refused: " + error);
            }
        }

        /** The answer went missing or the connection ended under it: that is a problem; go on on a new connection. */
        private void lost(String what, JsonObject closed) throws IOException, InterruptedException {
            ledger.count("replies unfinished");
            ledger.problem(name + ": " + what + ": " + (closed == null ? "no frame within " + FRAME_WITHIN
                    : "the server closed the connection " + closed));
            socket.drop();
            socket = SoakSocket.open(http, chat, cookie);
        }

        /** The next frame that is {@code wanted}; anything before it is a problem; null (a problem) if none comes. */
        private JsonObject await(Predicate<JsonObject> wanted, String what) throws IOException, InterruptedException {
            while (true) {
                JsonObject frame = socket.next(FRAME_WITHIN);
                if (frame == null || SoakSocket.CLOSED.equals(type(frame))) {
                    lost("the answer to " + what, frame);
                    return null;
                }
                if (wanted.test(frame)) {
                    return frame;
                }
                ledger.problem(name + ": a frame before the answer to " + what + ": " + frame);
            }
        }

        private void listConversations() throws IOException, InterruptedException {
            String id = nextId("l");
            socket.send(Conversations.request("conversations", id, null));
            JsonObject answer = await(frame -> "conversations".equals(type(frame))
                    || id.equals(text(frame, "replyTo")), "conversations " + id);
            answered(answer, "conversations listed");
        }

        /** Opens one of the user's conversations, as a user does who goes back to an earlier chat. */
        private void readHistory() throws IOException, InterruptedException {
            List<Known> known = conversations.get(user);
            String conversationId;
            synchronized (known) {
                if (known.isEmpty()) {
                    return;
                }
                conversationId = known.get(random.nextInt(known.size())).id;
            }
            String id = nextId("h");
            socket.send(Conversations.request("history", id, conversationId));
            JsonObject answer = await(frame -> "history".equals(type(frame))
                    && conversationId.equals(text(frame, "conversationId"))
                    || id.equals(text(frame, "replyTo")), "history " + id);
            answered(answer, "conversations read");
        }

        private void answered(JsonObject answer, String what) {
            if (answer == null) {
                return;
            }
            if ("error".equals(type(answer))) {
                refused(answer);
            } else {
                ledger.count(what);
            }
        }

        /** One to three hostile frames, each of which must get exactly its error frame. */
        private void hostile() throws IOException, InterruptedException {
            for (int i = 0, count = 1 + random.nextInt(3); i < count; i++) {
                HostileFrames.Case hostile = hostileFrames.get(random.nextInt(hostileFrames.size()));
                switch (hostile.delivery()) {
                    case WHOLE, EMPTY -> socket.send(hostile.text());
                    case FRAGMENTS -> socket.sendParts(hostile.textParts());
                    case BINARY -> socket.sendBinary(hostile.binaryParts());
                }
                ledger.count("hostile frames sent");
                JsonObject answer = socket.next(FRAME_WITHIN);
                HostileFrames.Expected expected = hostile.expected();
                if (answer == null || SoakSocket.CLOSED.equals(type(answer))) {
                    lost("the answer to hostile frame " + hostile, answer);
                    return;
                }
                String message = text(answer, "message");
                if ("error".equals(type(answer)) && expected.code().equals(text(answer, "code"))
                        && Objects.equals(expected.replyTo(), text(answer, "replyTo"))
                        && (expected.mentions() == null || message != null && message.contains(expected.mentions()))) {
                    ledger.count("hostile frames answered with their error");
                } else {
                    ledger.problem(name + ": hostile frame " + hostile + " wants " + expected + ", got " + answer);
                }
            }
        }

        /**
         * A user's flood, sent without reading: hundreds of messages, each into a new conversation, then more
         * requests for the history of the user's shortest conversation than the request rate allows in a minute;
         * then reads every answer. A message gets its reply (stream_start to stream_end), busy (past the replies one
         * connection or user may stream at once, which costs nothing of the rate) or rate_limited; a request its
         * history or rate_limited. The flood must meet rate_limited, and its replies count like any other.
         */
        private void flood() throws IOException, InterruptedException {
            ledger.count("floods");
            String shortest = shortestConversation();
            Set<String> messages = new HashSet<>();
            Set<String> requests = new HashSet<>();
            socket.pauseReading();
            for (int i = 0; i < FLOOD_MESSAGES; i++) {
                String id = nextId("f");
                messages.add(id);
                socket.send(Conversations.message(id, ECHO, "flood " + i, null));
            }
            for (int i = 0; i < FLOOD_REQUESTS; i++) {
                String id = nextId("q");
                requests.add(id);
                socket.send(Conversations.request("history", id, shortest));
            }
            ledger.count("flood frames sent", FLOOD_MESSAGES + FLOOD_REQUESTS);
            pause(FLOOD_DEAF);
            socket.resumeReading();
            Map<String, String> replyTo = new HashMap<>();
            Map<String, String> conversationOf = new HashMap<>();
            Map<String, HeldChunks> held = new HashMap<>();
            long rateLimited = 0;
            // a history answer names no request: the requests are counted, not matched
            int unanswered = FLOOD_REQUESTS;
            while (!messages.isEmpty() || unanswered > 0) {
                JsonObject frame = socket.next(FRAME_WITHIN);
                if (frame == null || SoakSocket.CLOSED.equals(type(frame))) {
                    lost("the flood's answers (" + messages.size() + " messages and " + unanswered
                            + " requests unanswered)", frame);
                    return;
                }
                String messageId = text(frame, "messageId");
                switch (type(frame)) {
                    case "stream_start" -> {
                        replyTo.put(messageId, text(frame, "replyTo"));
                        conversationOf.put(messageId, text(frame, "conversationId"));
                        held.put(messageId, new HeldChunks());
                        ledger.conversation(user, text(frame, "conversationId"));
                    }
                    case "chunk" -> held.computeIfAbsent(messageId, key -> new HeldChunks()).add(frame);
                    case "stream_end" -> {
                        HeldChunks chunks = held.remove(messageId);
                        ended(chunks == null ? new HeldChunks() : chunks, frame, conversationOf.get(messageId),
                                messageId);
                        messages.remove(replyTo.get(messageId));
                    }
                    case "history" -> {
                        ledger.count("flood history answers");
                        unanswered--;
                    }
                    case "error" -> {
                        String code = text(frame, "code");
                        ledger.count("flood " + code);
                        rateLimited += "rate_limited".equals(code) ? 1 : 0;
                        if (messageId == null) {
                            messages.remove(text(frame, "replyTo"));
                            unanswered -= requests.remove(text(frame, "replyTo")) ? 1 : 0;
                        }
                    }
                    default -> ledger.problem(name + ": an unexpected frame in the flood: " + frame);
                }
            }
            if (unanswered < 0) {
                ledger.problem(name + ": the flood's " + FLOOD_REQUESTS + " requests got " + -unanswered
                        + " answers more");
            }
            if (rateLimited == 0) {
                ledger.problem(name + ": a flood of " + FLOOD_MESSAGES + " messages and " + FLOOD_REQUESTS
                        + " requests met no rate_limited");
            }
        }

        /** The id of the user's conversation with the fewest turns; a new id (no such conversation) if none. */
        private String shortestConversation() {
            List<Known> known = conversations.get(user);
            synchronized (known) {
                return known.stream().min(Comparator.comparingInt(conversation -> conversation.turns))
                        .map(conversation -> conversation.id).orElseGet(() -> UUID.randomUUID().toString());
            }
        }
    }

    /** The chunks of one reply as a client holds them, by seq: each must come once, and none may be missing. */
    private static final class HeldChunks {
        private final TreeMap<Integer, String> chunks = new TreeMap<>();
        private int twice;

        /** False for a seq held already. */
        boolean add(JsonObject chunk) {
            if (chunks.putIfAbsent(chunk.getInt("seq"), chunk.getString("delta")) != null) {
                twice++;
                return false;
            }
            return true;
        }

        int size() {
            return chunks.size();
        }

        /** The last seq held, which the client names in a resume: chunks arrive in order. */
        int lastSeq() {
            return chunks.isEmpty() ? -1 : chunks.lastKey();
        }

        /** Every seq from 0 to {@code count} - 1 once, and nothing else. */
        boolean whole(long count) {
            return twice == 0 && chunks.size() == count && (count == 0 || chunks.lastKey() == count - 1);
        }

        String text() {
            return String.join("", chunks.values());
        }

        @Override
        public String toString() {
            return chunks.size() + " seqs " + (chunks.isEmpty() ? "" : chunks.firstKey() + ".." + chunks.lastKey())
                    + (twice == 0 ? "" : ", " + twice + " twice");
        }
    }
}
