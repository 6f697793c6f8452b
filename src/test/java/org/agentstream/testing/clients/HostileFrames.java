package org.agentstream.testing.clients;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The hostile client frames of issue 10's fuzz suite: a deterministic mix, for a seed, of every kind of bad input
 * the contract names, each with how it is sent and the one error frame the server must answer it with. No case
 * may start a reply: an in-limit frame that the server must accept names the agent {@code nobody}, so it gets
 * {@code unknown_agent}, which proves the server read past what made it look hostile.
 */
public final class HostileFrames {

    public static final int MAX_FRAME_BYTES = 65_536;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_VALUES = 512;
    public static final int MAX_NUMBER_CHARS = 32;
    public static final int MAX_KEY_CHARS = 256;
    public static final int BURST_SIZE = 300;

    /** The frame of the issue itself: about 10 KB, 10 000 unclosed arrays in an unknown field. */
    public static final String ISSUE_FRAME = "{\"type\":\"message\",\"id\":\"f1\",\"agent\":\"echo\",\"content\":\"x\","
            + "\"x\":" + "[".repeat(10_000) + "}";

    /** Valid frames whose every proper prefix is sent as a truncated frame. */
    public static final List<String> TRUNCATED_SOURCES = List.of(
            "{\"type\":\"message\",\"id\":\"t1\",\"agent\":\"echo\",\"content\":\"hello there\","
                    + "\"conversationId\":\"c-1\"}",
            "{\"type\":\"message\",\"id\":\"t2\",\"agent\":\"echo\","
                    + "\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ é中\","
                    + "\"meta\":{\"a\":[1,-2.5e3,true,false,null,{\"b\":\"c\"}],\"d\":{}}}",
            "{ \"type\" : \"cancel\" , \"messageId\" : \"0b7e\" }",
            "{\"type\":\"agents\"}");

    public enum Kind {
        TRUNCATED, NOT_JSON, WRONG_TYPE, DEEP_NESTING, UNCLOSED_NESTING, TOO_MANY_VALUES, LONG_NUMBER, LONG_KEY,
        SIZE_AROUND_LIMIT, INVALID_SURROGATE, CONTROL_CHARACTER, BAD_ESCAPE, DUPLICATE_KEY, UNKNOWN_TYPE,
        MISSING_FIELD, UNKNOWN_FIELDS, UNKNOWN_CANCEL, FRAGMENTED, BINARY, EMPTY, BURST
    }

    /** How a case goes on the wire: one text frame, a text frame in continuation fragments, binary, or empty text. */
    public enum Delivery {
        WHOLE, FRAGMENTS, BINARY, EMPTY
    }

    /**
     * The one error frame a case must get: its {@code code}, its {@code replyTo} (null: none), and a text its
     * {@code message} must contain (null: no check, where the contract names none or the frame breaks two rules).
     */
    public record Expected(String code, String replyTo, String mentions) {
    }

    /** One hostile frame: text parts (one for WHOLE and EMPTY) or binary parts, and what it must get. */
    public record Case(Kind kind, String what, Delivery delivery, List<String> textParts, List<byte[]> binaryParts,
            Expected expected) {

        /** The text of the whole frame; empty for binary. */
        public String text() {
            return String.join("", textParts);
        }

        /** The payload bytes on the wire, all fragments together. */
        public byte[] payload() {
            if (delivery == Delivery.BINARY) {
                byte[] all = new byte[binaryParts.stream().mapToInt(part -> part.length).sum()];
                int at = 0;
                for (byte[] part : binaryParts) {
                    System.arraycopy(part, 0, all, at, part.length);
                    at += part.length;
                }
                return all;
            }
            return text().getBytes(StandardCharsets.UTF_8);
        }

        /** Kind, delivery, expectation and payload: what two runs with the same seed must agree on. */
        public boolean sameAs(Case other) {
            return kind == other.kind && what.equals(other.what) && delivery == other.delivery
                    && textParts.equals(other.textParts) && binaryParts.size() == other.binaryParts.size()
                    && Arrays.equals(payload(), other.payload()) && expected.equals(other.expected);
        }

        @Override
        public String toString() {
            return kind + " (" + what + ", " + delivery + ", " + payload().length + " bytes)";
        }
    }

    private final Random random;
    private final List<Case> cases = new ArrayList<>();
    private int ids;

    private HostileFrames(long seed) {
        this.random = new Random(seed);
    }

    /**
     * The cases for a seed, in the order to send them: the issue's frame first, then every other kind shuffled,
     * with one burst of {@value #BURST_SIZE} frames (consecutive {@link Kind#BURST} cases) in the middle.
     */
    public static List<Case> generate(long seed) {
        return new HostileFrames(seed).all();
    }

    private List<Case> all() {
        truncated();
        notJson();
        wrongTypes();
        deepNesting();
        unclosedNesting();
        tooManyValues();
        longNumbers();
        longKeys();
        sizesAroundTheLimit();
        invalidSurrogates();
        controlCharacters();
        badEscapes();
        duplicateKeys();
        unknownTypes();
        missingFields();
        unknownFields();
        unknownCancels();
        fragmented();
        binary();
        empty();
        Collections.shuffle(cases, random);
        List<Case> burst = burst();
        List<Case> ordered = new ArrayList<>();
        ordered.add(whole(Kind.UNCLOSED_NESTING, "the 10 KB frame of issue 10", ISSUE_FRAME, badFrame(null)));
        ordered.addAll(cases.subList(0, cases.size() / 2));
        ordered.addAll(burst);
        ordered.addAll(cases.subList(cases.size() / 2, cases.size()));
        return List.copyOf(ordered);
    }

    // ---- the kinds ----

    private void truncated() {
        for (String source : TRUNCATED_SOURCES) {
            for (int length = 1; length < source.length(); length++) {
                add(whole(Kind.TRUNCATED, "first " + length + " of " + source.length() + " chars",
                        source.substring(0, length), badFrame(null)));
            }
        }
    }

    private void notJson() {
        List<String> texts = new ArrayList<>(List.of("hello", "{", "}", "[1,2,3]", "[]", "\"a string\"", "42",
                "-1.5e3", "true", "null", "{\"type\":\"agents\"}x", "{\"type\":\"agents\"}{\"type\":\"agents\"}",
                "{\"type\":\"agents\"}]", "{\"type\":\"agents\"},", "{type:\"agents\"}", "{'type':'agents'}",
                "{\"type\":\"agents\",}", "{\"type\":\"message\",\"id\":\"x\",,\"agent\":\"nobody\"}",
                "{\"type\" \"agents\"}", "{\"type\":\"agents\" \"id\":\"x\"}", "{\"type\":\"agents\"/*c*/}",
                "// c\n{\"type\":\"agents\"}", "{\"a\":undefined}", "<frame type=\"agents\"/>",
                "{\"a\":\"unterminated}", "{\"a\":1}}", "{\"type\":\"agents\"}" + (char) 0,
                (char) 0xa0 + "{\"type\":\"agents\"}", "{\"type\":\"agents\"" + ":}", "{:\"agents\"}"));
        for (String number : List.of("NaN", "Infinity", "-Infinity", "01", "0x10", "+1", ".5", "1.", "1e", "-",
                "tru", "nul", "True", "1.2.3", "--1")) {
            texts.add(message(id(), "nobody", "\"n\":" + number));
        }
        for (String text : texts) {
            add(whole(Kind.NOT_JSON, "not a JSON object", text, badFrame(null)));
        }
        String alphabet = "{}[]\":,0123456789abcdeflnrstu \\.-+eE";
        for (int i = 0; i < 20; i++) {
            StringBuilder garbage = new StringBuilder().append((char) ('a' + random.nextInt(26)));
            for (int n = random.nextInt(200); n > 0; n--) {
                garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            add(whole(Kind.NOT_JSON, "random garbage", garbage.toString(), badFrame(null)));
        }
    }

    private void wrongTypes() {
        List<String> values = List.of("5", "-0.5", "true", "false", "{}", "[]", "[\"echo\"]", "{\"a\":\"b\"}");
        for (String field : List.of("type", "id", "agent", "content", "conversationId", "messageId")) {
            for (String value : values) {
                String id = id();
                String frame = switch (field) {
                    case "type" -> object("\"type\":" + value, "\"id\":" + q(id), "\"agent\":\"nobody\"",
                            "\"content\":\"x\"");
                    case "id" -> object("\"type\":\"message\"", "\"id\":" + value, "\"agent\":\"nobody\"",
                            "\"content\":\"x\"");
                    case "agent" -> object("\"type\":\"message\"", "\"id\":" + q(id), "\"agent\":" + value,
                            "\"content\":\"x\"");
                    case "content" -> object("\"type\":\"message\"", "\"id\":" + q(id), "\"agent\":\"nobody\"",
                            "\"content\":" + value);
                    default -> message(id, "nobody", q(field) + ":" + value);
                };
                add(whole(Kind.WRONG_TYPE, field + " is " + value, frame,
                        new Expected("bad_frame", field.equals("id") ? null : id, field)));
            }
        }
        for (String value : values) {
            add(whole(Kind.WRONG_TYPE, "cancel's messageId is " + value, "{\"type\":\"cancel\",\"messageId\":" + value
                    + "}", new Expected("bad_frame", null, "messageId")));
        }
        for (String field : List.of("id", "content", "conversationId", "agent")) {
            add(whole(Kind.WRONG_TYPE, "agents with " + field + " a number", "{\"type\":\"agents\",\"" + field
                    + "\":7}", new Expected("bad_frame", null, field)));
        }
        String id = id();
        add(whole(Kind.WRONG_TYPE, "conversationId null counts as absent",
                message(id, "nobody", "\"conversationId\":null"), unknownAgent(id)));
        id = id();
        add(whole(Kind.WRONG_TYPE, "agent null counts as absent", object("\"type\":\"message\"", "\"id\":" + q(id),
                "\"agent\":null", "\"content\":\"x\""), badFrame(id)));
        id = id();
        add(whole(Kind.WRONG_TYPE, "content null counts as absent", object("\"type\":\"message\"",
                "\"id\":" + q(id), "\"agent\":\"nobody\"", "\"content\":null"), badFrame(id)));
        add(whole(Kind.WRONG_TYPE, "id null counts as absent", object("\"type\":\"message\"", "\"id\":null",
                "\"agent\":\"nobody\"", "\"content\":\"x\""), badFrame(null)));
        id = id();
        add(whole(Kind.WRONG_TYPE, "type null counts as absent", object("\"type\":null", "\"id\":" + q(id)),
                badFrame(id)));
        add(whole(Kind.WRONG_TYPE, "cancel's messageId null counts as absent",
                "{\"type\":\"cancel\",\"messageId\":null}", badFrame(null)));
        add(whole(Kind.WRONG_TYPE, "content null on a cancel counts as absent",
                "{\"type\":\"cancel\",\"messageId\":\"zz\",\"content\":null}", unknownMessage()));
    }

    private void deepNesting() {
        for (String shape : List.of("array", "object", "mixed")) {
            for (int depth : new int[] {1, 2, 8, 14, 15, 16, 17, 20, 64, 500, 5000}) {
                String id = id();
                String frame = message(id, "nobody", "\"x\":" + nest(shape, depth, random.nextBoolean()));
                add(whole(Kind.DEEP_NESTING, shape + " " + depth + " deep in an unknown field", frame,
                        1 + depth <= MAX_DEPTH ? unknownAgent(id)
                                : new Expected("bad_frame", null, depth <= 500 ? String.valueOf(MAX_DEPTH) : null)));
            }
        }
        for (String field : List.of("type", "id", "agent", "content", "conversationId")) {
            String id = id();
            String nest = nest("mixed", 5, true);
            // the nested value takes the field's place; a second member of the same name would be a duplicated key
            List<String> fields = new ArrayList<>(List.of("\"type\":\"message\"", "\"id\":" + q(id),
                    "\"agent\":\"nobody\"", "\"content\":\"x\""));
            fields.removeIf(member -> member.startsWith(q(field) + ":"));
            fields.add(q(field) + ":" + nest);
            String frame = object(fields.toArray(String[]::new));
            add(whole(Kind.DEEP_NESTING, "mixed 5 deep in " + field, frame,
                    new Expected("bad_frame", field.equals("id") ? null : id, field)));
            for (int depth : new int[] {17, 40}) {
                // no string id: too deep and wrong type agree on a null replyTo, not on the message
                List<String> members = new ArrayList<>(List.of("\"type\":\"message\"", "\"agent\":\"nobody\"",
                        "\"content\":\"x\""));
                members.removeIf(member -> member.startsWith(q(field) + ":"));
                members.add(q(field) + ":" + nest("array", depth, false));
                add(whole(Kind.DEEP_NESTING, "array " + depth + " deep in " + field,
                        object(members.toArray(String[]::new)), badFrame(null)));
            }
        }
        add(whole(Kind.DEEP_NESTING, "array 15 deep in a cancel", "{\"type\":\"cancel\",\"messageId\":\"nope\",\"x\":"
                + nest("array", 15, false) + "}", unknownMessage()));
        add(whole(Kind.DEEP_NESTING, "array 16 deep in a cancel", "{\"type\":\"cancel\",\"messageId\":\"nope\",\"x\":"
                + nest("array", 16, false) + "}", new Expected("bad_frame", null, String.valueOf(MAX_DEPTH))));
    }

    private void unclosedNesting() {
        for (int depth : new int[] {1, 5, 15, 16, 17, 100, 10_000, 30_000}) {
            for (String opener : List.of("[", "{\"a\":")) {
                String id = id();
                boolean closingBrace = random.nextBoolean();
                int times = Math.min(depth, 60_000 / opener.length());
                add(whole(Kind.UNCLOSED_NESTING, (opener.equals("[") ? "arrays" : "objects") + " opened " + times
                        + " times" + (closingBrace ? " then }" : ""), "{\"type\":\"message\",\"id\":" + q(id)
                        + ",\"agent\":\"nobody\",\"content\":\"x\",\"x\":" + opener.repeat(times)
                        + (closingBrace ? "}" : ""), badFrame(null)));
            }
        }
        add(whole(Kind.UNCLOSED_NESTING, "objects opened 3000 times in content",
                "{\"type\":\"message\",\"agent\":\"nobody\",\"content\":" + "{\"a\":".repeat(3000), badFrame(null)));
        add(whole(Kind.UNCLOSED_NESTING, "frame opened 100 times", "{".repeat(100), badFrame(null)));
        add(whole(Kind.UNCLOSED_NESTING, "issue frame with agent nobody", ISSUE_FRAME.replace("echo", "nobody"),
                badFrame(null)));
    }

    private void tooManyValues() {
        // a message has 5 members besides the test's own; the limit is kept 2 away from the edge on each side
        values("505 numbers", "[" + repeatJoined("0", 505) + "]", true);
        values("509 numbers", "[" + repeatJoined("0", 509) + "]", false);
        values("252 one-member objects", "[" + repeatJoined("{\"k\":0}", 252) + "]", true);
        values("255 one-member objects", "[" + repeatJoined("{\"k\":0}", 255) + "]", false);
        values("505 members", members(505), true);
        values("509 members", members(509), false);
        values("20 arrays of 24", "[" + repeatJoined("[" + repeatJoined("0", 24) + "]", 20) + "]", true);
        values("20 arrays of 25", "[" + repeatJoined("[" + repeatJoined("0", 25) + "]", 20) + "]", false);
        values("5000 numbers", "[" + repeatJoined("0", 5000) + "]", false);
        values("30000 numbers", "[" + repeatJoined("0", 30_000) + "]", false);
        add(whole(Kind.TOO_MANY_VALUES, "600 numbers in a cancel", "{\"type\":\"cancel\",\"messageId\":\"nope\",\"x\":["
                + repeatJoined("0", 600) + "]}", new Expected("bad_frame", null, String.valueOf(MAX_VALUES))));
    }

    private void values(String what, String value, boolean within) {
        String id = id();
        add(whole(Kind.TOO_MANY_VALUES, what, message(id, "nobody", "\"x\":" + value),
                within ? unknownAgent(id) : new Expected("bad_frame", null, String.valueOf(MAX_VALUES))));
    }

    private void longNumbers() {
        number("32 digits", "1".repeat(32), true);
        number("33 digits", "1".repeat(33), false);
        number("minus and 31 digits", "-" + "1".repeat(31), true);
        number("minus and 32 digits", "-" + "1".repeat(32), false);
        number("32-char fraction", "0." + "5".repeat(30), true);
        number("33-char fraction", "0." + "5".repeat(31), false);
        number("32-char exponent 10", "1e" + "0".repeat(29) + "1", true);
        number("32-char huge exponent", "1E+" + "9".repeat(29), true);
        number("32-char tiny exponent", "1e-" + "9".repeat(29), true);
        number("33-char exponent", "-1.5E-" + "9".repeat(27), false);
        number("1000 digits", "1".repeat(1000), false);
        number("60000 digits", "9".repeat(60_000), false);
        number("40 digits 3 deep", "[[[" + "1".repeat(40) + "]]]", false);
    }

    private void number(String what, String value, boolean within) {
        String id = id();
        add(whole(Kind.LONG_NUMBER, what, message(id, "nobody", "\"n\":" + value),
                within ? unknownAgent(id) : new Expected("bad_frame", null, String.valueOf(MAX_NUMBER_CHARS))));
    }

    private void longKeys() {
        key("255-char key", q(letters(255)) + ":1", true);
        key("256-char key", q(letters(256)) + ":1", true);
        key("257-char key", q(letters(257)) + ":1", false);
        key("1000-char key", q(letters(1000)) + ":true", false);
        key("60000-char key", q(letters(60_000)) + ":null", false);
        key("256-char key 3 deep", "\"x\":{\"y\":{" + q(letters(256)) + ":{}}}", true);
        key("257-char key 3 deep", "\"x\":[{\"y\":{" + q(letters(257)) + ":[]}}]", false);
        key("128 two-byte chars", q("é".repeat(128)) + ":1", true);
        key("257 two-byte chars", q("é".repeat(257)) + ":1", false);
    }

    private void key(String what, String member, boolean within) {
        String id = id();
        add(whole(Kind.LONG_KEY, what, message(id, "nobody", member),
                within ? unknownAgent(id) : new Expected("bad_frame", null, String.valueOf(MAX_KEY_CHARS))));
    }

    private void sizesAroundTheLimit() {
        for (String unit : List.of("x", "é", "中", "😀")) {
            for (int bytes = MAX_FRAME_BYTES - 2; bytes <= MAX_FRAME_BYTES + 2; bytes++) {
                String id = id();
                sized(1, unit + " to " + bytes + " bytes", sizedMessage(id, unit, bytes), id);
            }
        }
        for (int bytes : new int[] {MAX_FRAME_BYTES, MAX_FRAME_BYTES + 1}) {
            String id = id();
            String frame = message(id, "nobody");
            sized(1, "trailing spaces to " + bytes, frame + " ".repeat(bytes - frame.length()), id);
            id = id();
            frame = message(id, "nobody");
            sized(1, "leading whitespace to " + bytes, "\n".repeat(bytes - frame.length()) + frame, id);
            id = id();
            sized(4, bytes + " bytes in 4 fragments", sizedMessage(id, "é", bytes), id);
            id = id();
            sized(100, bytes + " bytes in 100 fragments", sizedMessage(id, "x", bytes), id);
        }
        String id = id();
        sized(1, "30000 three-byte chars: fewer chars than the limit, more bytes",
                message(id, "nobody").replace("\"content\":\"x\"", "\"content\":\"" + "中".repeat(30_000) + "\""), id);
        for (int bytes : new int[] {70_000, 131_072, 1 << 20}) {
            id = id();
            sized(1, bytes + " bytes", sizedMessage(id, "x", bytes), id);
        }
        id = id();
        sized(3, "90000 bytes in 3 fragments", sizedMessage(id, "x", 90_000), id);
        id = id();
        sized(1, "a 60000-char string within the limit", sizedMessage(id, "x", 60_000), id);
    }

    /** A frame sent whole ({@code parts} 1) or in fragments: within the limit unknown_agent, else too_large. */
    private void sized(int parts, String what, String frame, String id) {
        Expected expected = utf8Length(frame) <= MAX_FRAME_BYTES ? unknownAgent(id) : tooLarge();
        add(new Case(Kind.SIZE_AROUND_LIMIT, what, parts == 1 ? Delivery.WHOLE : Delivery.FRAGMENTS,
                evenParts(frame, parts), List.of(), expected));
    }

    /** A message of exactly {@code bytes} UTF-8 bytes whose content is {@code unit} repeated, padded with 'a'. */
    static String sizedMessage(String id, String unit, int bytes) {
        String prefix = "{\"type\":\"message\",\"id\":" + q(id) + ",\"agent\":\"nobody\",\"content\":\"";
        String suffix = "\"}";
        int room = bytes - utf8Length(prefix) - utf8Length(suffix);
        int unitBytes = utf8Length(unit);
        return prefix + unit.repeat(room / unitBytes) + "a".repeat(room % unitBytes) + suffix;
    }

    private void invalidSurrogates() {
        List<String> contents = List.of("\\ud800", "a\\ud800", "\\ud800b", "\\ud800\\u0041", "\\ud800\\ud800",
                "\\udc00", "a\\udc00b", "\\udfff\\ud800", "\\udbff", "\\ud83d\\ud83d\\ude00", "\\ud83d\\\\ude00",
                "\\uD800", "\\uDC00\\uDC00", "\\ud800\\n", "\\ud800 \\udc00", "x\\ud83d", "\\ud83dx\\ude00");
        for (String content : contents) {
            add(whole(Kind.INVALID_SURROGATE, "content " + content, messageWithContent(id(), content),
                    badFrame(null)));
        }
        String id = id();
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate in a key", message(id, "nobody", "\"k\\ud800\":1"),
                badFrame(null)));
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate in id", object("\"type\":\"message\"",
                "\"id\":\"\\udc00\"", "\"agent\":\"nobody\"", "\"content\":\"x\""), badFrame(null)));
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate in agent", message(id(), "nob\\ud800ody"), badFrame(null)));
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate in type",
                object("\"type\":\"mess\\udbffage\"", "\"id\":" + q(id())), badFrame(null)));
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate 3 deep", message(id(), "nobody", "\"x\":[[[\"\\udc01\"]]]"),
                badFrame(null)));
        add(whole(Kind.INVALID_SURROGATE, "lone surrogate in a cancel", "{\"type\":\"cancel\",\"messageId\":"
                + "\"\\ud800\"}", badFrame(null)));
        for (String content : List.of("\\ud83d\\ude00", "\\uD83D\\uDE00", "\\udbff\\udfff", "\\ud800\\udc00",
                "😀 and 𝄞")) {
            id = id();
            add(whole(Kind.INVALID_SURROGATE, "valid pair " + content, messageWithContent(id, content),
                    unknownAgent(id)));
        }
    }

    private void controlCharacters() {
        for (char c = 0; c < 0x20; c++) {
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " in content",
                    messageWithContent(id(), "a" + c + "b"), badFrame(null)));
        }
        for (int i = 0; i < 3; i++) {
            char c = (char) random.nextInt(0x20);
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " in a key",
                    message(id(), "nobody", "\"k" + c + "ey\":1"), badFrame(null)));
            c = (char) random.nextInt(0x20);
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " in id", object("\"type\":\"message\"",
                    "\"id\":\"h" + c + "\"", "\"agent\":\"nobody\"", "\"content\":\"x\""), badFrame(null)));
            c = (char) random.nextInt(0x20);
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " 4 deep",
                    message(id(), "nobody", "\"x\":[{\"y\":[[\"" + c + "\"]]}]"), badFrame(null)));
        }
        add(whole(Kind.CONTROL_CHARACTER, "raw U+0001 in agent", message(id(), "no" + (char) 1 + "body"),
                badFrame(null)));
        add(whole(Kind.CONTROL_CHARACTER, "raw U+0000 in type", object("\"type\":\"message" + (char) 0 + "\"",
                "\"id\":" + q(id())), badFrame(null)));
        for (char c : new char[] {0, 0x0b, 0x0c, 0x1f}) {
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " between tokens",
                    "{" + c + "\"type\":\"agents\"}", badFrame(null)));
            add(whole(Kind.CONTROL_CHARACTER, "raw U+" + hex(c) + " before the frame",
                    c + "{\"type\":\"agents\"}", badFrame(null)));
        }
        for (String content : List.of("\\u0000", "\\u001f", "\\n\\t\\r\\b\\f", "a" + (char) 0x7f + "b",
                "a" + (char) 0x85 + "b", "a\u2028b\u2029c", "a\ufeffb", "\\u0000\\u0000\\u0000")) {
            String id = id();
            add(whole(Kind.CONTROL_CHARACTER, "allowed " + content.replaceAll("\\p{Cntrl}", "?") + " in content",
                    messageWithContent(id, content), unknownAgent(id)));
        }
        String id = id();
        add(whole(Kind.CONTROL_CHARACTER, "JSON whitespace between every token",
                "\t{\n\"type\"\r:\t\"message\" ,\n\"id\" : " + q(id)
                        + ",\"agent\":\r\n\"nobody\",\"content\":\"x\"\n}\t",
                unknownAgent(id)));
    }

    private void badEscapes() {
        for (String content : List.of("\\x41", "\\a", "\\'", "\\U0041", "\\u12", "\\u12G4", "\\u", "\\0", "\\v",
                "\\e", "\\ ", "\\\n", "\\uZZZZ", "\\u-123", "ab\\", "\\u00e")) {
            add(whole(Kind.BAD_ESCAPE, "content " + content.replace("\n", "(LF)"), messageWithContent(id(), content),
                    badFrame(null)));
        }
        add(whole(Kind.BAD_ESCAPE, "bad escape in a key", message(id(), "nobody", "\"k\\qey\":1"), badFrame(null)));
        add(whole(Kind.BAD_ESCAPE, "bad escape 3 deep", message(id(), "nobody", "\"x\":[[[\"\\c\"]]]"),
                badFrame(null)));
        for (String content : List.of("\\/", "\\\\", "\\\"", "\\u00e9\\u4E2D")) {
            String id = id();
            add(whole(Kind.BAD_ESCAPE, "allowed " + content, messageWithContent(id, content), unknownAgent(id)));
        }
    }

    private void duplicateKeys() {
        for (String field : List.of("type", "id", "agent", "content", "conversationId")) {
            String id = id();
            List<String> members = new ArrayList<>(List.of("\"type\":\"message\"", "\"id\":" + q(id),
                    "\"agent\":\"nobody\"", "\"content\":\"x\"", "\"conversationId\":\"c\""));
            members.add(q(field) + ":" + (field.equals("agent") ? "\"echo\"" : q("again")));
            add(whole(Kind.DUPLICATE_KEY, field + " twice", object(members.toArray(String[]::new)),
                    new Expected("bad_frame", null, field)));
        }
        add(whole(Kind.DUPLICATE_KEY, "messageId twice", "{\"type\":\"cancel\",\"messageId\":\"a\","
                + "\"messageId\":\"b\"}", new Expected("bad_frame", null, "messageId")));
        add(whole(Kind.DUPLICATE_KEY, "same id twice", "{\"type\":\"message\",\"id\":\"h0\",\"id\":\"h0\","
                + "\"agent\":\"nobody\",\"content\":\"x\"}", new Expected("bad_frame", null, "id")));
        String[][] placed = {
            {"unknown key twice", "\"dupe_top\":1,\"dupe_top\":2", "dupe_top"},
            {"twice with other types", "\"dupe_types\":1,\"dupe_types\":\"1\"", "dupe_types"},
            {"twice in a nested object", "\"x\":{\"dupe_nested\":1,\"dupe_nested\":2}", "dupe_nested"},
            {"twice in an object in an array", "\"x\":[0,{\"dupe_in_array\":[],\"dupe_in_array\":{}}]",
                "dupe_in_array"},
            {"twice 10 deep", "\"x\":" + "[".repeat(8) + "{\"y\":{\"dupe_deep\":1,\"dupe_deep\":1}}" + "]".repeat(8),
                "dupe_deep"},
            {"twice 400 members apart", "\"dupe_far\":0," + members(400).substring(1, members(400).length() - 1)
                + ",\"dupe_far\":1", "dupe_far"},
            {"empty key twice", "\"\":1,\"\":2", null},
            {"agent and its escaped spelling", "\"\\u0061gent\":\"echo\"", null},
        };
        for (String[] dupe : placed) {
            add(whole(Kind.DUPLICATE_KEY, dupe[0], message(id(), "nobody", dupe[1]),
                    new Expected("bad_frame", null, dupe[2])));
        }
        String id = id();
        add(whole(Kind.DUPLICATE_KEY, "same key in sibling objects is no duplicate",
                message(id, "nobody", "\"x\":{\"k\":1},\"y\":{\"k\":2},\"z\":[{\"k\":1},{\"k\":2}]"),
                unknownAgent(id)));
        id = id();
        add(whole(Kind.DUPLICATE_KEY, "keys differing in case are no duplicate",
                message(id, "nobody", "\"Agent\":\"echo\",\"AGENT\":\"echo\""), unknownAgent(id)));
    }

    private void unknownTypes() {
        for (String type : List.of("dance", "MESSAGE", "Message", " message", "message ", "cancel\\u0000", "agents2",
                "messages", "stream_start", "chunk", "stream_end", "error", letters(300), "méssage", "message\u200b",
                "null", "true", "Cancel", "AGENTS")) {
            boolean withId = random.nextInt(4) != 0;
            String id = withId ? id() : null;
            String frame = withId ? object("\"type\":" + q(type), "\"id\":" + q(id), "\"agent\":\"nobody\"",
                    "\"content\":\"x\"") : "{\"type\":" + q(type) + ",\"messageId\":\"m\"}";
            add(whole(Kind.UNKNOWN_TYPE, "type " + (type.length() > 20 ? type.length() + " letters" : type), frame,
                    badFrame(id)));
        }
    }

    private void missingFields() {
        String id = id();
        add(whole(Kind.MISSING_FIELD, "empty object", "{}", badFrame(null)));
        add(whole(Kind.MISSING_FIELD, "only an id", "{\"id\":" + q(id) + "}", badFrame(id)));
        add(whole(Kind.MISSING_FIELD, "message without id", "{\"type\":\"message\",\"agent\":\"nobody\","
                + "\"content\":\"x\"}", badFrame(null)));
        id = id();
        add(whole(Kind.MISSING_FIELD, "message without agent", "{\"type\":\"message\",\"id\":" + q(id)
                + ",\"content\":\"x\"}", badFrame(id)));
        id = id();
        add(whole(Kind.MISSING_FIELD, "message without content", "{\"type\":\"message\",\"id\":" + q(id)
                + ",\"agent\":\"nobody\"}", badFrame(id)));
        id = id();
        add(whole(Kind.MISSING_FIELD, "empty agent", object("\"type\":\"message\"", "\"id\":" + q(id),
                "\"agent\":\"\"", "\"content\":\"x\""), badFrame(id)));
        id = id();
        add(whole(Kind.MISSING_FIELD, "empty content", object("\"type\":\"message\"", "\"id\":" + q(id),
                "\"agent\":\"nobody\"", "\"content\":\"\""), badFrame(id)));
        add(whole(Kind.MISSING_FIELD, "cancel without messageId", "{\"type\":\"cancel\"}", badFrame(null)));
        add(whole(Kind.MISSING_FIELD, "cancel with empty messageId", "{\"type\":\"cancel\",\"messageId\":\"\"}",
                badFrame(null)));
        add(whole(Kind.MISSING_FIELD, "empty type", "{\"type\":\"\"}", badFrame(null)));
        id = id();
        add(whole(Kind.MISSING_FIELD, "empty type with an id", "{\"type\":\"\",\"id\":" + q(id) + "}", badFrame(id)));
    }

    private void unknownFields() {
        String[][] fields = {
            {"a number", "\"n\":-12.5e-3"}, {"true", "\"b\":true"}, {"false", "\"b\":false"}, {"null", "\"z\":null"},
            {"a string", "\"s\":\"text\""}, {"an empty object", "\"o\":{}"}, {"an empty array", "\"a\":[]"},
            {"10 deep (the contract's example)", "\"x\":" + nest("mixed", 10, true)},
            {"15 deep", "\"x\":" + nest("object", 15, true)},
            {"mixed array", "\"a\":[1,\"two\",true,null,{\"k\":[]},[[]]]"},
            {"a unicode key", "\"clé中😀\":1"}, {"an escaped key", "\"k\\u00e9\\n\":1"}, {"an empty key", "\"\":1"},
            {"Type", "\"Type\":\"cancel\""}, {"messageID", "\"messageID\":1"},
            {"a 10 KB string", "\"s\":\"" + "y".repeat(10_000) + "\""},
            {"400 members", "\"o\":" + members(400)}, {"several at once", "\"p\":1,\"q\":[2],\"r\":{\"s\":3}"},
        };
        for (String[] field : fields) {
            String id = id();
            add(whole(Kind.UNKNOWN_FIELDS, "unknown field " + field[0], message(id, "nobody", field[1]),
                    unknownAgent(id)));
        }
        add(whole(Kind.UNKNOWN_FIELDS, "unknown fields on a cancel", "{\"extra\":[1,{\"a\":null}],\"type\":\"cancel\","
                + "\"messageId\":\"nope\",\"more\":" + nest("array", 12, true) + "}", unknownMessage()));
    }

    private void unknownCancels() {
        for (int i = 0; i < 15; i++) {
            String messageId = new UUID(random.nextLong(), random.nextLong()).toString();
            add(whole(Kind.UNKNOWN_CANCEL, "random UUID", "{\"type\":\"cancel\",\"messageId\":" + q(messageId) + "}",
                    unknownMessage()));
        }
        for (String messageId : List.of("nope", "0", "check-1", "h1", "f1", letters(1000), "ñ中😀",
                "\\u0041\\u0042", "a\\\"b", "null", "../../etc")) {
            add(whole(Kind.UNKNOWN_CANCEL, "messageId " + (messageId.length() > 20 ? "of 1000 letters" : messageId),
                    "{\"type\":\"cancel\",\"messageId\":" + q(messageId) + "}", unknownMessage()));
        }
        for (int i = 0; i < 3; i++) {
            String id = id();
            add(whole(Kind.UNKNOWN_CANCEL, "cancel that carries an id", object("\"type\":\"cancel\"",
                    "\"id\":" + q(id), "\"messageId\":" + q("gone-" + i)), unknownMessage(id)));
        }
    }

    private void fragmented() {
        List<Case> sources = cases.stream()
                .filter(c -> c.delivery() == Delivery.WHOLE && c.text().length() >= 10 && c.text().length() < 4000)
                .toList();
        for (int i = 0; i < 50; i++) {
            Case source = sources.get(random.nextInt(sources.size()));
            int parts = 2 + random.nextInt(Math.min(7, source.text().length() - 1));
            add(new Case(Kind.FRAGMENTED, parts + " fragments of " + source.kind() + " " + source.what(),
                    Delivery.FRAGMENTS, randomParts(source.text(), parts), List.of(), source.expected()));
        }
        String id = id();
        String frame = messageWithContent(id, "caf\\u00e9");
        int cut = frame.indexOf("\\u00") + 4;
        add(new Case(Kind.FRAGMENTED, "split inside an escape", Delivery.FRAGMENTS,
                List.of(frame.substring(0, cut), frame.substring(cut)), List.of(), unknownAgent(id)));
        id = id();
        frame = message(id, "nobody");
        add(new Case(Kind.FRAGMENTED, "one char per fragment", Delivery.FRAGMENTS, evenParts(frame, frame.length()),
                List.of(), unknownAgent(id)));
        id = id();
        frame = message(id, "nobody");
        add(new Case(Kind.FRAGMENTED, "with empty fragments", Delivery.FRAGMENTS, List.of("", frame.substring(0, 9), "",
                frame.substring(9), ""), List.of(), unknownAgent(id)));
        id = id();
        frame = messageWithContent(id, "😀😀😀");
        int pair = frame.indexOf("😀") + 2;
        add(new Case(Kind.FRAGMENTED, "split between two emoji", Delivery.FRAGMENTS,
                List.of(frame.substring(0, pair), frame.substring(pair)), List.of(), unknownAgent(id)));
        add(new Case(Kind.FRAGMENTED, "the issue frame in 10 fragments", Delivery.FRAGMENTS,
                evenParts(ISSUE_FRAME, 10), List.of(), badFrame(null)));
        add(new Case(Kind.FRAGMENTED, "a cancel in 3 fragments", Delivery.FRAGMENTS,
                List.of("{\"type\":\"can", "cel\",\"messageId\":\"no", "pe\"}"), List.of(), unknownMessage()));
    }

    private void binary() {
        byte[] random100 = new byte[100];
        random.nextBytes(random100);
        byte[] random4096 = new byte[4096];
        random.nextBytes(random4096);
        byte[] invalidUtf8 =
                {(byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
        byte[] echo = "{\"type\":\"message\",\"id\":\"bin\",\"agent\":\"echo\",\"content\":\"hi\"}"
                .getBytes(StandardCharsets.UTF_8);
        binary("empty", new byte[0]);
        binary("one byte", new byte[] {'{'});
        binary("a valid echo message as bytes", echo);
        binary("the agents request as bytes", "{\"type\":\"agents\"}".getBytes(StandardCharsets.UTF_8));
        binary("100 random bytes", random100);
        binary("4096 random bytes", random4096);
        binary("invalid UTF-8", invalidUtf8);
        binary("65536 bytes", new byte[MAX_FRAME_BYTES]);
        binary("65535 bytes of JSON", sizedMessage("bin", "x", MAX_FRAME_BYTES - 1).getBytes(StandardCharsets.UTF_8));
        add(new Case(Kind.BINARY, "in 2 fragments", Delivery.BINARY, List.of(),
                List.of(Arrays.copyOf(echo, 10), Arrays.copyOfRange(echo, 10, echo.length)), badFrame(null)));
        add(new Case(Kind.BINARY, "in 3 fragments, one empty", Delivery.BINARY, List.of(),
                List.of(random100, new byte[0], random100), badFrame(null)));
    }

    private void binary(String what, byte[] payload) {
        add(new Case(Kind.BINARY, what, Delivery.BINARY, List.of(), List.of(payload), badFrame(null)));
    }

    private void empty() {
        add(new Case(Kind.EMPTY, "empty text frame", Delivery.EMPTY, List.of(""), List.of(), badFrame(null)));
        add(new Case(Kind.EMPTY, "empty text frame again", Delivery.EMPTY, List.of(""), List.of(), badFrame(null)));
        for (String blank : List.of(" ", "\t", "\n", "\r\n", "    \t\n  ", " ".repeat(1000))) {
            add(whole(Kind.EMPTY, "whitespace only (" + blank.length() + " chars)", blank, badFrame(null)));
        }
        add(new Case(Kind.EMPTY, "two empty fragments", Delivery.FRAGMENTS, List.of("", ""), List.of(),
                badFrame(null)));
        add(new Case(Kind.EMPTY, "whitespace in three fragments", Delivery.FRAGMENTS, List.of(" ", "", "\n"), List.of(),
                badFrame(null)));
    }

    /** {@value #BURST_SIZE} small hostile frames of many kinds, for sending back to back before reading. */
    private List<Case> burst() {
        List<Case> burst = new ArrayList<>();
        for (int i = 0; i < BURST_SIZE; i++) {
            String id = id();
            burst.add(switch (random.nextInt(10)) {
                case 0 -> whole(Kind.BURST, "unknown type", object("\"type\":\"dance\"", "\"id\":" + q(id)),
                        badFrame(id));
                case 1 -> whole(Kind.BURST, "unknown cancel", "{\"type\":\"cancel\",\"messageId\":" + q(id) + "}",
                        unknownMessage());
                case 2 -> whole(Kind.BURST, "unknown agent, unknown field", message(id, "nobody", "\"x\":[[{}]]"),
                        unknownAgent(id));
                case 3 -> {
                    String source = TRUNCATED_SOURCES.get(random.nextInt(TRUNCATED_SOURCES.size()));
                    yield whole(Kind.BURST, "truncated", source.substring(0, 1 + random.nextInt(source.length() - 1)),
                            badFrame(null));
                }
                case 4 -> whole(Kind.BURST, "agent is a number", object("\"type\":\"message\"", "\"id\":" + q(id),
                        "\"agent\":1", "\"content\":\"x\""), new Expected("bad_frame", id, "agent"));
                case 5 -> whole(Kind.BURST, "duplicate key", message(id, "nobody", "\"dupe\":1,\"dupe\":2"),
                        new Expected("bad_frame", null, "dupe"));
                case 6 -> whole(Kind.BURST, "raw control character", messageWithContent(id, "a" + (char) 7),
                        badFrame(null));
                case 7 -> new Case(Kind.BURST, "empty", Delivery.EMPTY, List.of(""), List.of(), badFrame(null));
                case 8 -> new Case(Kind.BURST, "binary", Delivery.BINARY, List.of(),
                        List.of(id.getBytes(StandardCharsets.UTF_8)), badFrame(null));
                default -> new Case(Kind.BURST, "fragmented unknown agent", Delivery.FRAGMENTS,
                        randomParts(message(id, "nobody"), 3), List.of(), unknownAgent(id));
            });
        }
        return burst;
    }

    // ---- building blocks ----

    private void add(Case hostile) {
        cases.add(hostile);
    }

    private static Case whole(Kind kind, String what, String text, Expected expected) {
        return new Case(kind, what, Delivery.WHOLE, List.of(text), List.of(), expected);
    }

    private static Expected badFrame(String replyTo) {
        return new Expected("bad_frame", replyTo, null);
    }

    private static Expected unknownAgent(String id) {
        return new Expected("unknown_agent", id, null);
    }

    private static Expected unknownMessage() {
        return unknownMessage(null);
    }

    /** A cancel's error names the cancel's own {@code id}, as every error names the frame's id when it has one. */
    private static Expected unknownMessage(String replyTo) {
        return new Expected("unknown_message", replyTo, null);
    }

    private static Expected tooLarge() {
        return new Expected("too_large", null, null);
    }

    private String id() {
        return "h" + ++ids;
    }

    /** A message frame with the given extra members, placed first or last (seeded). */
    private String message(String id, String agent, String... extra) {
        List<String> members = new ArrayList<>(List.of("\"type\":\"message\"", "\"id\":" + q(id),
                "\"agent\":" + q(agent), "\"content\":\"x\""));
        List<String> all = new ArrayList<>(List.of(extra));
        if (random.nextBoolean()) {
            all.addAll(members);
        } else {
            all.addAll(0, members);
        }
        return "{" + String.join(",", all) + "}";
    }

    private String messageWithContent(String id, String content) {
        return object("\"type\":\"message\"", "\"id\":" + q(id), "\"agent\":\"nobody\"", "\"content\":" + q(content));
    }

    /** An object of these members in a seeded order. */
    private String object(String... members) {
        List<String> shuffled = new ArrayList<>(List.of(members));
        Collections.shuffle(shuffled, random);
        return "{" + String.join(",", shuffled) + "}";
    }

    /** Containers nested {@code depth} deep (the outermost is one level), empty or holding a scalar innermost. */
    static String nest(String shape, int depth, boolean scalarInside) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            boolean array = shape.equals("array") || shape.equals("mixed") && level % 2 == 0;
            boolean innermost = level == depth - 1;
            if (array) {
                open.append('[');
                close.append(']');
            } else {
                open.append(innermost ? "{" : "{\"n\":");
                close.append('}');
            }
            if (innermost && scalarInside) {
                open.append(array ? "1" : "\"k\":1");
            }
        }
        return open.append(close.reverse()).toString();
    }

    private static String members(int count) {
        StringBuilder object = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            object.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
        }
        return object.append('}').toString();
    }

    private static String repeatJoined(String value, int count) {
        return String.join(",", Collections.nCopies(count, value));
    }

    private static String letters(int count) {
        StringBuilder letters = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + i % 26));
        }
        return letters.toString();
    }

    private static String q(String raw) {
        return "\"" + raw + "\"";
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code text} cut at random places into {@code count} non-empty parts, never inside a surrogate pair. */
    private List<String> randomParts(String text, int count) {
        List<Integer> cuts = new ArrayList<>();
        while (cuts.size() < count - 1) {
            int cut = 1 + random.nextInt(text.length() - 1);
            if (!cuts.contains(cut) && !Character.isLowSurrogate(text.charAt(cut))) {
                cuts.add(cut);
            }
        }
        Collections.sort(cuts);
        return cutAt(text, cuts);
    }

    /** {@code text} in {@code count} nearly equal parts, never inside a surrogate pair. */
    private static List<String> evenParts(String text, int count) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int cut = (int) ((long) text.length() * i / count);
            cuts.add(Character.isLowSurrogate(text.charAt(cut)) ? cut + 1 : cut);
        }
        return cutAt(text, cuts);
    }

    private static List<String> cutAt(String text, List<Integer> cuts) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            parts.add(text.substring(from, cut));
            from = cut;
        }
        parts.add(text.substring(from));
        return List.copyOf(parts);
    }
}
