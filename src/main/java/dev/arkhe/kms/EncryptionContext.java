package dev.arkhe.kms;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A KMS encryption context: non-secret string pairs bound to a wrapped key as additional
 * authenticated data, so that unwrapping needs the same pairs. Immutable and thread-safe.
 *
 * <p>The canonical encoding sorts pairs by key in UTF-8 byte order and writes each key and
 * value as a 4-byte big-endian length followed by its UTF-8 bytes; the empty context
 * encodes to zero bytes.
 */
public final class EncryptionContext {

    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private static final EncryptionContext EMPTY = new EncryptionContext(new TreeMap<>(UTF8_ORDER));

    private final Map<String, String> pairs;
    private final byte[] canonical;

    private EncryptionContext(TreeMap<String, String> sorted) {
        this.pairs = Collections.unmodifiableMap(sorted);
        this.canonical = encode(sorted);
    }

    /** The context with no pairs. */
    public static EncryptionContext empty() {
        return EMPTY;
    }

    /**
     * A context holding a copy of {@code pairs}.
     *
     * @throws IllegalArgumentException if the map is null, or holds a null or empty key, a null value, or a
     *                                  key or value with an unpaired UTF-16 surrogate
     */
    public static EncryptionContext of(Map<String, String> pairs) {
        if (pairs == null) {
            throw new IllegalArgumentException("encryption context map is null; use EncryptionContext.empty()");
        }
        if (pairs.isEmpty()) {
            return EMPTY;
        }
        TreeMap<String, String> sorted = new TreeMap<>(UTF8_ORDER);
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("encryption context keys must be non-empty strings, got "
                        + (key == null ? "null" : "an empty key"));
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("encryption context value for key '" + key + "' is null");
            }
            // UTF-8 encoding turns every unpaired surrogate into '?', so two different contexts
            // would share one canonical encoding and one would open what the other wrapped.
            if (hasUnpairedSurrogate(key) || hasUnpairedSurrogate(e.getValue())) {
                throw new IllegalArgumentException("encryption context pair with key '" + key
                        + "' contains an unpaired UTF-16 surrogate (malformed text)");
            }
            sorted.put(key, e.getValue());
        }
        return new EncryptionContext(sorted);
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The pairs, sorted by key in UTF-8 byte order; unmodifiable. */
    public Map<String, String> asMap() {
        return pairs;
    }

    /** True when there are no pairs. */
    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    /** A copy of the canonical encoding (see the class comment). */
    public byte[] canonicalBytes() {
        return canonical.clone();
    }

    private static byte[] encode(Map<String, String> sorted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(utf8, 0, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionContext other && Arrays.equals(canonical, other.canonical);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(canonical);
    }

    /** Shows the pairs: an encryption context is not secret (KMS logs it in CloudTrail). */
    @Override
    public String toString() {
        return "EncryptionContext" + pairs;
    }

    static EncryptionContext orEmpty(EncryptionContext ctx) {
        return Objects.requireNonNullElse(ctx, EMPTY);
    }
}
