package org.agentstream.wire;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks a client frame's JSON text completely and within fixed limits before JSON-B binds it, and reports the JSON
 * type of each top-level field (and the value of its strings). Every step consumes input or fails, so no text can
 * make it loop: the JSON library the servers ship (Parsson 1.1.x) spins forever when it skips an unclosed array or
 * object in an unknown field, so that text must never reach it.
 */
final class FrameScanner {

    /** The frame object is level 1. */
    static final int MAX_DEPTH = 16;
    /** Object members and array elements at any depth. */
    static final int MAX_VALUES = 512;
    static final int MAX_NUMBER_CHARS = 32;
    static final int MAX_KEY_CHARS = 256;

    /** The JSON types a field can have. */
    /** {@code INTEGER}: an integer that fits a Java int; any other number is a {@code NUMBER}. */
    enum Kind { OBJECT, ARRAY, STRING, NUMBER, INTEGER, BOOLEAN, NULL }

    /** A frame that passed: each top-level field's type, and the top-level strings' values. */
    record Fields(Map<String, Kind> kinds, Map<String, String> strings) {
    }

    /** Why a frame is not acceptable, for the client. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int pos;
    private int values;
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Map<String, String> strings = new HashMap<>();

    private FrameScanner(String text) {
        this.text = text;
    }

    static Fields scan(String text) throws Rejected {
        FrameScanner scanner = new FrameScanner(text);
        scanner.skipWhitespace();
        if (scanner.pos >= text.length() || text.charAt(scanner.pos) != '{') {
            throw new Rejected("a frame is a JSON object");
        }
        scanner.object(1);
        scanner.skipWhitespace();
        if (scanner.pos < text.length()) {
            throw scanner.bad("text after the end of the JSON object");
        }
        return new Fields(scanner.kinds, scanner.strings);
    }

    /** Reads one value; a string's characters go to {@code into} when it is given. */
    private Kind value(int depth, StringBuilder into) throws Rejected {
        if (++values > MAX_VALUES) {
            throw new Rejected("a frame holds at most " + MAX_VALUES + " values");
        }
        skipWhitespace();
        if (pos >= text.length()) {
            throw bad("the frame ends where a value should be");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> {
                object(depth + 1);
                return Kind.OBJECT;
            }
            case '[' -> {
                array(depth + 1);
                return Kind.ARRAY;
            }
            case '"' -> {
                string(into, Integer.MAX_VALUE);
                return Kind.STRING;
            }
            case 't' -> {
                return literal("true", Kind.BOOLEAN);
            }
            case 'f' -> {
                return literal("false", Kind.BOOLEAN);
            }
            case 'n' -> {
                return literal("null", Kind.NULL);
            }
            default -> {
                if (c == '-' || isDigit(c)) {
                    return number();
                }
                throw bad("unexpected character " + describe(c));
            }
        }
    }

    private void object(int depth) throws Rejected {
        checkDepth(depth);
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        Set<String> keys = new HashSet<>();
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw bad("a key (a JSON string) was expected");
            }
            StringBuilder key = new StringBuilder();
            string(key, MAX_KEY_CHARS);
            String name = key.toString();
            if (!keys.add(name)) {
                throw new Rejected("the key \"" + name + "\" appears twice");
            }
            skipWhitespace();
            expect(':');
            if (depth == 1) {
                StringBuilder captured = new StringBuilder();
                Kind kind = value(depth, captured);
                kinds.put(name, kind);
                if (kind == Kind.STRING) {
                    strings.put(name, captured.toString());
                }
            } else {
                value(depth, null);
            }
            if (closes('}')) {
                return;
            }
        }
    }

    private void array(int depth) throws Rejected {
        checkDepth(depth);
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        do {
            value(depth, null);
        } while (!closes(']'));
    }

    /** After a member or an element: true past the closing character, false past a comma; nothing else may follow. */
    private boolean closes(char close) throws Rejected {
        skipWhitespace();
        char next = peek();
        if (next != close && next != ',') {
            throw bad("',' or '" + close + "' was expected");
        }
        pos++;
        return next == close;
    }

    private static void checkDepth(int depth) throws Rejected {
        if (depth > MAX_DEPTH) {
            throw new Rejected("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /**
     * Reads a string from its opening quote, appending its characters to {@code into} when given. Control
     * characters, bad escapes and surrogates that do not pair are refused.
     */
    private void string(StringBuilder into, int maxChars) throws Rejected {
        int start = pos;
        pos++;
        int chars = 0;
        boolean highPending = false;
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw bad("a string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                if (highPending) {
                    throw bad("a string has an unpaired surrogate");
                }
                return;
            }
            if (c == '\\') {
                c = escape();
            } else if (c < 0x20) {
                pos--;
                throw bad("a string holds the control character " + describe(c) + " (escape it)");
            }
            if (Character.isHighSurrogate(c)) {
                if (highPending) {
                    throw bad("a string has an unpaired surrogate");
                }
                highPending = true;
            } else if (Character.isLowSurrogate(c)) {
                if (!highPending) {
                    throw bad("a string has an unpaired surrogate");
                }
                highPending = false;
            } else if (highPending) {
                throw bad("a string has an unpaired surrogate");
            }
            if (++chars > maxChars) {
                throw new Rejected("a key is longer than " + maxChars + " characters");
            }
            if (into != null) {
                into.append(c);
            }
        }
    }

    private char escape() throws Rejected {
        if (pos >= text.length()) {
            throw bad("a string is not closed");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                if (pos + 4 > text.length()) {
                    throw bad("a \\u escape needs four hex digits");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(text.charAt(pos++), 16);
                    if (digit < 0) {
                        pos--;
                        throw bad("a \\u escape needs four hex digits");
                    }
                    code = code * 16 + digit;
                }
                yield (char) code;
            }
            default -> {
                pos--;
                throw bad("\\" + describe(c) + " is not a JSON escape");
            }
        };
    }

    /** JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private Kind number() throws Rejected {
        int start = pos;
        boolean integer = true;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (peek() == '.') {
            pos++;
            digits();
            integer = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
            integer = false;
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw new Rejected("a number is longer than " + MAX_NUMBER_CHARS + " characters");
        }
        return integer && fitsAnInt(start) ? Kind.INTEGER : Kind.NUMBER;
    }

    /** Whether the integer from {@code start} to here is a Java int (a larger one would not bind as one). */
    private boolean fitsAnInt(int start) {
        if (pos - start > 11) {
            return false;
        }
        long value = Long.parseLong(text, start, pos, 10);
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }

    private void digits() throws Rejected {
        if (!isDigit(peek())) {
            throw bad("a digit was expected");
        }
        while (isDigit(peek())) {
            pos++;
        }
    }

    private Kind literal(String word, Kind kind) throws Rejected {
        if (!text.startsWith(word, pos)) {
            throw bad("unexpected character " + describe(text.charAt(pos)));
        }
        pos += word.length();
        return kind;
    }

    private void expect(char c) throws Rejected {
        if (peek() != c) {
            throw bad("'" + c + "' was expected");
        }
        pos++;
    }

    /** The character at the position, or U+FFFF past the end (which no rule accepts). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\uffff';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private Rejected bad(String what) {
        return new Rejected(pos >= text.length() ? "not JSON: the frame ends early (" + what + ")"
                : "not JSON at character " + pos + ": " + what);
    }
}
