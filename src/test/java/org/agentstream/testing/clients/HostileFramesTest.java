package org.agentstream.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.agentstream.testing.clients.HostileFrames.Case;
import org.agentstream.testing.clients.HostileFrames.Delivery;
import org.agentstream.testing.clients.HostileFrames.Kind;
import org.junit.jupiter.api.Test;

/** The fuzz suite's generator is deterministic, large, covers every kind, and its expectations hold for its frames. */
class HostileFramesTest {

    private static final long SEED = 10;
    private static final List<Case> CASES = HostileFrames.generate(SEED);

    @Test
    void theSameSeedGivesTheSameFrames() {
        List<Case> again = HostileFrames.generate(SEED);
        assertEquals(CASES.size(), again.size());
        IntStream.range(0, CASES.size()).forEach(i -> assertTrue(CASES.get(i).sameAs(again.get(i)), "case " + i));

        List<Case> other = HostileFrames.generate(SEED + 1);
        assertFalse(IntStream.range(0, Math.min(CASES.size(), other.size()))
                .allMatch(i -> CASES.get(i).sameAs(other.get(i))), "another seed gives another sequence");
    }

    @Test
    void thereAreAtLeastAThousandFramesOfEveryKind() {
        assertTrue(CASES.size() >= 1000, CASES.size() + " cases");
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        CASES.forEach(hostile -> kinds.add(hostile.kind()));
        assertEquals(EnumSet.allOf(Kind.class), kinds);
        Set<Delivery> deliveries = EnumSet.noneOf(Delivery.class);
        CASES.forEach(hostile -> deliveries.add(hostile.delivery()));
        assertEquals(EnumSet.allOf(Delivery.class), deliveries);
    }

    @Test
    void theIssueFrameComesFirstAndGetsBadFrame() {
        Case first = CASES.get(0);
        assertEquals(HostileFrames.ISSUE_FRAME, first.text());
        assertTrue(first.payload().length > 10_000 && first.payload().length < 10_100, first.toString());
        assertEquals(new HostileFrames.Expected("bad_frame", null, null), first.expected());
    }

    @Test
    void oneBurstOfHundredsOfFramesIsSentBackToBack() {
        int firstBurst = indexOf(Kind.BURST);
        int burstEnd = firstBurst;
        while (burstEnd < CASES.size() && CASES.get(burstEnd).kind() == Kind.BURST) {
            burstEnd++;
        }
        assertEquals(HostileFrames.BURST_SIZE, burstEnd - firstBurst, "the burst is one run of cases");
        assertEquals(HostileFrames.BURST_SIZE, CASES.stream().filter(c -> c.kind() == Kind.BURST).count());
        assertTrue(HostileFrames.BURST_SIZE >= 200);
    }

    @Test
    void truncatedFramesAreEveryProperPrefixOfAValidFrameAndDoNotParse() {
        for (String source : HostileFrames.TRUNCATED_SOURCES) {
            Json.createReader(new StringReader(source)).readObject();
        }
        Set<String> prefixes = new HashSet<>();
        for (Case truncated : ofKind(Kind.TRUNCATED)) {
            String text = truncated.text();
            assertTrue(HostileFrames.TRUNCATED_SOURCES.stream()
                    .anyMatch(source -> text.length() < source.length() && source.startsWith(text)), text);
            assertThrows(JsonException.class, () -> Json.createReader(new StringReader(text)).readObject(), text);
            prefixes.add(text);
        }
        for (String source : HostileFrames.TRUNCATED_SOURCES) {
            IntStream.range(1, source.length())
                    .forEach(length -> assertTrue(prefixes.contains(source.substring(0, length)),
                            source + " " + length));
        }
    }

    @Test
    void sizesAroundTheLimitStraddle65536Utf8Bytes() {
        Set<Integer> sizes = new HashSet<>();
        for (Case sized : ofKind(Kind.SIZE_AROUND_LIMIT)) {
            int bytes = sized.payload().length;
            sizes.add(bytes);
            assertEquals(bytes > HostileFrames.MAX_FRAME_BYTES ? "too_large" : "unknown_agent",
                    sized.expected().code(), sized.toString());
        }
        for (int bytes = HostileFrames.MAX_FRAME_BYTES - 2; bytes <= HostileFrames.MAX_FRAME_BYTES + 2; bytes++) {
            assertTrue(sizes.contains(bytes), bytes + " bytes");
        }
        for (String unit : List.of("x", "é", "中", "😀")) {
            assertEquals(HostileFrames.MAX_FRAME_BYTES + 1,
                    HostileFrames.utf8Length(
                            HostileFrames.sizedMessage("h1", unit, HostileFrames.MAX_FRAME_BYTES + 1)));
        }
        assertTrue(ofKind(Kind.SIZE_AROUND_LIMIT).stream().anyMatch(c -> c.delivery() == Delivery.FRAGMENTS
                && c.expected().code().equals("too_large") && c.textParts().stream()
                .allMatch(part -> HostileFrames.utf8Length(part) <= HostileFrames.MAX_FRAME_BYTES)),
                "fragments each within the limit add up to a frame over it");
    }

    @Test
    void onlyTooLargeCasesAreOverTheLimit() {
        for (Case hostile : CASES) {
            assertEquals(hostile.payload().length > HostileFrames.MAX_FRAME_BYTES,
                    hostile.expected().code().equals("too_large"), hostile.toString());
        }
    }

    @Test
    void everyCaseExpectsOneErrorOfTheContract() {
        Set<String> codes = Set.of("bad_frame", "too_large", "unknown_agent", "unknown_message");
        for (Case hostile : CASES) {
            assertTrue(codes.contains(hostile.expected().code()), hostile.toString());
            if (hostile.expected().replyTo() != null) {
                assertTrue(hostile.text().contains("\"" + hostile.expected().replyTo() + "\""), hostile.toString());
            }
            if (hostile.expected().code().equals("too_large")) {
                assertNull(hostile.expected().replyTo(), "an oversized frame is not read: " + hostile);
            }
        }
    }

    @Test
    void framesTheServerMustAcceptAreValidJsonWithinEveryLimit() {
        List<Case> accepted = CASES.stream().filter(c -> c.expected().code().equals("unknown_agent")).toList();
        assertTrue(accepted.size() > 50, accepted.size() + " accepted frames");
        for (Case hostile : accepted) {
            Shape shape = Shape.of(hostile.text());
            assertEquals(Set.of(), shape.broken(), hostile + ": " + shape);
            assertTrue(shape.values <= HostileFrames.MAX_VALUES - 2, "2 values from the edge: " + shape);
        }
    }

    @Test
    void aLimitOrKeyNamedInTheMessageIsTheOnlyRuleTheFrameBreaks() {
        int checked = 0;
        for (Case hostile : CASES) {
            String mentions = hostile.expected().mentions();
            if (mentions != null && mentions.matches("\\d+")) {
                assertEquals(Set.of(mentions), Shape.of(hostile.text()).broken(), hostile.toString());
                checked++;
            } else if (mentions != null && hostile.kind() == Kind.DUPLICATE_KEY) {
                assertEquals(Set.of("duplicate"), Shape.of(hostile.text()).broken(), hostile.toString());
                checked++;
            }
        }
        assertTrue(checked > 40, checked + " cases");
    }

    @Test
    void fragmentsNeverSplitASurrogatePair() {
        for (Case hostile : CASES) {
            if (hostile.delivery() == Delivery.FRAGMENTS) {
                assertTrue(hostile.textParts().size() >= 2, hostile.toString());
                for (String part : hostile.textParts()) {
                    assertFalse(!part.isEmpty() && (Character.isHighSurrogate(part.charAt(part.length() - 1))
                            || Character.isLowSurrogate(part.charAt(0))), hostile.toString());
                }
            }
        }
    }

    private static List<Case> ofKind(Kind kind) {
        return CASES.stream().filter(c -> c.kind() == kind).toList();
    }

    private static int indexOf(Kind kind) {
        return IntStream.range(0, CASES.size()).filter(i -> CASES.get(i).kind() == kind).findFirst().orElseThrow();
    }

    /** The measures of a valid JSON text that the contract limits, as the contract counts them. */
    private record Shape(int depth, int values, int longestNumber, int longestKey, boolean duplicateKey) {

        /** The limits broken, named as the server's message must name them, and "duplicate". */
        Set<String> broken() {
            Set<String> broken = new HashSet<>();
            if (depth > HostileFrames.MAX_DEPTH) {
                broken.add(String.valueOf(HostileFrames.MAX_DEPTH));
            }
            if (values > HostileFrames.MAX_VALUES) {
                broken.add(String.valueOf(HostileFrames.MAX_VALUES));
            }
            if (longestNumber > HostileFrames.MAX_NUMBER_CHARS) {
                broken.add(String.valueOf(HostileFrames.MAX_NUMBER_CHARS));
            }
            if (longestKey > HostileFrames.MAX_KEY_CHARS) {
                broken.add(String.valueOf(HostileFrames.MAX_KEY_CHARS));
            }
            if (duplicateKey) {
                broken.add("duplicate");
            }
            return broken;
        }

        static Shape of(String json) {
            int depth = 0;
            int values = 0;
            int longestNumber = 0;
            int longestKey = 0;
            boolean duplicateKey = false;
            Deque<Set<String>> objects = new ArrayDeque<>();
            Deque<Boolean> inArray = new ArrayDeque<>();
            try (JsonParser parser = Json.createParser(new StringReader(json))) {
                while (parser.hasNext()) {
                    JsonParser.Event event = parser.next();
                    if (event != JsonParser.Event.KEY_NAME && event != JsonParser.Event.END_OBJECT
                            && event != JsonParser.Event.END_ARRAY && Boolean.TRUE.equals(inArray.peek())) {
                        values++;
                    }
                    switch (event) {
                        case START_OBJECT, START_ARRAY -> {
                            inArray.push(event == JsonParser.Event.START_ARRAY);
                            objects.push(new HashSet<>());
                            depth = Math.max(depth, inArray.size());
                        }
                        case END_OBJECT, END_ARRAY -> {
                            inArray.pop();
                            objects.pop();
                        }
                        case KEY_NAME -> {
                            values++;
                            longestKey = Math.max(longestKey, parser.getString().length());
                            duplicateKey |= !objects.peek().add(parser.getString());
                        }
                        case VALUE_NUMBER -> longestNumber = Math.max(longestNumber, parser.getString().length());
                        default -> {
                        }
                    }
                }
            }
            return new Shape(depth, values, longestNumber, longestKey, duplicateKey);
        }
    }
}
