package dev.arkhe.kms.server;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer for the KMS wire protocol.
 *
 * <p>Reading maps objects to {@code LinkedHashMap<String, Object>}, arrays to
 * {@code ArrayList<Object>}, strings to {@code String}, numbers to {@code BigDecimal},
 * {@code true}/{@code false} to {@code Boolean} and {@code null} to Java {@code null}.
 * {@link #parse(byte[])} throws {@link ParseException} and nothing else for any input:
 * malformed UTF-8, unpaired surrogates (raw or {@code \\u}-escaped), syntax errors,
 * trailing data, duplicate member names, nesting deeper
 * than {@link #MAX_DEPTH}, input longer than {@link #MAX_INPUT_BYTES}, or number tokens
 * longer than {@link #MAX_NUMBER_LENGTH} characters. The limits bound the work an
 * untrusted request can cause (the HTTP layer also caps the body).
 *
 * <p>Writing accepts the reader's types plus {@code byte[]} (written as Base64, as AWS JSON
 * 1.1 encodes blobs), {@link Instant} (epoch seconds with a fractional part, as AWS JSON 1.1
 * encodes timestamps), any {@link Number} and any {@link Collection}.
 */
final class Json {

    /** Deepest nesting of arrays and objects accepted. KMS requests nest at most three levels. */
    static final int MAX_DEPTH = 32;
    /** Largest input accepted, in bytes. */
    static final int MAX_INPUT_BYTES = 1 << 20;
    /** Longest number token accepted; no KMS member needs more than a few digits. */
    static final int MAX_NUMBER_LENGTH = 64;

    /** The only exception {@link #parse(byte[])} throws. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    private Json() {
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses one JSON value filling the whole input (surrounding whitespace allowed).
     *
     * @throws ParseException for any malformed or over-limit input, with a position
     */
    static Object parse(byte[] utf8) throws ParseException {
        if (utf8 == null) {
            throw new ParseException("no input");
        }
        if (utf8.length > MAX_INPUT_BYTES) {
            throw new ParseException("input of " + utf8.length + " bytes exceeds " + MAX_INPUT_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ParseException("input is not valid UTF-8");
        }
        Reader r = new Reader(text);
        r.skipWhitespace();
        Object value = r.value(0);
        r.skipWhitespace();
        if (r.pos != text.length()) {
            throw r.error("unexpected data after the JSON value");
        }
        return value;
    }

    /** A recursive-descent reader over a decoded string; recursion depth is bounded by MAX_DEPTH. */
    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        Object value(int depth) throws ParseException {
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character " + describe(c));
            }
        }

        private Map<String, Object> object(int depth) throws ParseException {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name in double quotes");
                }
                int at = pos;
                String name = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object v = value(depth);
                // A duplicate name makes the request ambiguous; refuse it rather than pick one.
                if (map.containsKey(name)) {
                    pos = at;
                    throw error("duplicate member name \"" + abbreviate(name) + "\"");
                }
                map.put(name, v);
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return map;
                } else {
                    throw error("expected ',' or '}' in an object");
                }
            }
        }

        private List<Object> array(int depth) throws ParseException {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return list;
                } else {
                    throw error("expected ',' or ']' in an array");
                }
            }
        }

        private String string() throws ParseException {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return wellFormed(sb, start);
                }
                if (c < 0x20) {
                    pos--;
                    throw error("unescaped control character " + describe(c) + " in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape sequence");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(hex4());
                    default -> {
                        pos--;
                        throw error("invalid escape sequence \\" + describe(e));
                    }
                }
            }
        }

        /**
         * Refuses a string holding an unpaired surrogate. Only {@code \\u} escapes can produce
         * one (the strict UTF-8 decoder already refuses encoded surrogates), and it has no UTF-8
         * form: encoding would turn every such string into "?", so that different encryption
         * contexts would collapse to the same bytes.
         */
        private String wellFormed(StringBuilder sb, int start) throws ParseException {
            for (int i = 0; i < sb.length(); i++) {
                char c = sb.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < sb.length() && Character.isLowSurrogate(sb.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    pos = start;
                    throw error("unpaired surrogate " + describe(c) + " in a string");
                }
            }
            return sb.toString();
        }

        private char hex4() throws ParseException {
            if (pos + 4 > s.length()) {
                throw error("truncated \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                    throw error("invalid \\u escape");
                }
                v = (v << 4) | d;
            }
            pos += 4;
            return (char) v;
        }

        private BigDecimal number() throws ParseException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw error("invalid number");
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) {
                    throw error("invalid number: expected a digit after '.'");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("invalid number: expected a digit in the exponent");
                }
                digits();
            }
            if (pos - start > MAX_NUMBER_LENGTH) {
                pos = start;
                throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
            }
            try {
                return new BigDecimal(s.substring(start, pos));
            } catch (NumberFormatException | ArithmeticException e) {
                // An exponent beyond the int range: syntactically JSON, but no sane request has one.
                pos = start;
                throw error("number out of range");
            }
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private void literal(String word) throws ParseException {
            if (!s.startsWith(word, pos)) {
                throw error("invalid literal, expected " + word);
            }
            pos += word.length();
        }

        private void expect(char c) throws ParseException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** The current character, or U+0000 at the end (never valid where a token is expected). */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private void checkDepth(int depth) throws ParseException {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
        }

        ParseException error(String what) {
            return new ParseException(what + " at character " + pos);
        }

        private static String describe(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code value} as compact JSON in UTF-8.
     *
     * @throws IllegalArgumentException for a type the writer does not know, a non-string map
     *                                  key, or a non-finite number (programming errors, not input)
     */
    static byte[] write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value, 0);
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(sb));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    private static void write(StringBuilder sb, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String str) {
            writeString(sb, str);
        } else if (value instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (value instanceof byte[] blob) {
            sb.append('"').append(Base64.getEncoder().encodeToString(blob)).append('"');
        } else if (value instanceof Instant t) {
            sb.append(epochSeconds(t));
        } else if (value instanceof BigDecimal d) {
            sb.append(d.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no representation for " + d);
            }
            sb.append(BigDecimal.valueOf(d).toString());
        } else if (value instanceof Number n) {
            sb.append(n.longValue());
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, key);
                sb.append(':');
                write(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else if (value instanceof Collection<?> list) {
            sb.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o, depth + 1);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    /** Epoch seconds with milliseconds as a fraction, as AWS JSON 1.1 writes timestamps. */
    static String epochSeconds(Instant t) {
        long millis = t.toEpochMilli();
        BigDecimal seconds = BigDecimal.valueOf(millis, 3).stripTrailingZeros();
        return seconds.scale() < 0 ? seconds.setScale(0).toPlainString() : seconds.toPlainString();
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/9 too, for JavaScript consumers;
                    // unpaired surrogates too, so that the UTF-8 output stays well formed.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || isLoneSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
