package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionContextTest {

    @Test
    void emptyContextEncodesToZeroBytes() {
        assertThat(EncryptionContext.empty().canonicalBytes()).isEmpty();
        assertThat(EncryptionContext.of(Map.of()).canonicalBytes()).isEmpty();
        assertThat(EncryptionContext.of(Map.of())).isEqualTo(EncryptionContext.empty());
        assertThat(EncryptionContext.empty().isEmpty()).isTrue();
    }

    @Test
    void canonicalEncodingIsLengthPrefixedPairsSortedByUtf8Bytes() {
        // "é" (C3 A9) sorts after "z" (7A) in UTF-8 byte order; "Z" (5A) sorts before "a".
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("é", "3");
        pairs.put("a", "2");
        pairs.put("Z", "1");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (String[] kv : new String[][] {{"Z", "1"}, {"a", "2"}, {"é", "3"}}) {
            for (String s : kv) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                expected.write(0);
                expected.write(0);
                expected.write(0);
                expected.write(b.length);
                expected.writeBytes(b);
            }
        }
        EncryptionContext ctx = EncryptionContext.of(pairs);
        assertThat(ctx.canonicalBytes()).isEqualTo(expected.toByteArray());
        assertThat(ctx.asMap().keySet()).containsExactly("Z", "a", "é");
    }

    @Test
    void utf8OrderDiffersFromUtf16OrderForSupplementaryCharacters() {
        // U+FF5E (EF BD 9E) < U+1F600 (F0 9F 98 80) in UTF-8, but not in Java's UTF-16 String order.
        String supplementary = new String(Character.toChars(0x1F600));
        EncryptionContext ctx = EncryptionContext.of(Map.of("\uFF5E", "x", supplementary, "y"));
        assertThat(ctx.asMap().keySet()).containsExactly("\uFF5E", supplementary);
    }

    @Test
    void insertionOrderDoesNotMatter() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("x", "1");
        a.put("y", "2");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("y", "2");
        b.put("x", "1");
        assertThat(EncryptionContext.of(a)).isEqualTo(EncryptionContext.of(b));
        assertThat(EncryptionContext.of(a).canonicalBytes()).isEqualTo(EncryptionContext.of(b).canonicalBytes());
    }

    @Test
    void rejectsNullMapNullOrEmptyKeysAndNullValues() {
        assertThatThrownBy(() -> EncryptionContext.of(null)).isInstanceOf(IllegalArgumentException.class);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        assertThatThrownBy(() -> EncryptionContext.of(nullKey)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionContext.of(Map.of("", "v"))).isInstanceOf(IllegalArgumentException.class);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> EncryptionContext.of(nullValue)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EncryptionContext.of(Map.of("k", "")).asMap()).containsEntry("k", "");
    }

    @Test
    void isImmutableAgainstTheSourceMapAndItsOwnViews() {
        Map<String, String> source = new HashMap<>(Map.of("k", "v"));
        EncryptionContext ctx = EncryptionContext.of(source);
        source.put("k2", "v2");
        assertThat(ctx.asMap()).containsOnlyKeys("k");
        assertThatThrownBy(() -> ctx.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        byte[] bytes = ctx.canonicalBytes();
        bytes[0] = 99;
        assertThat(ctx.canonicalBytes()[0]).isZero();
    }

    @Test
    void unpairedSurrogatesAreRejectedSoDistinctContextsCannotCollide() {
        // Each of these would encode to the same UTF-8 bytes as "?" if accepted.
        for (String malformed : new String[] {"\ud800", "\udfff", "a\ud800b", "\udc00\ud800"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> EncryptionContext.of(java.util.Map.of("tenant", malformed)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> EncryptionContext.of(java.util.Map.of(malformed, "v")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        }
        EncryptionContext emoji = EncryptionContext.of(java.util.Map.of("tenant", "\ud83d\ude00"));
        org.assertj.core.api.Assertions.assertThat(emoji)
                .isNotEqualTo(EncryptionContext.of(java.util.Map.of("tenant", "?")));
    }
}
