package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    private static Object parse(String s) throws Json.ParseException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesEveryJsonType() throws Exception {
        Object v = parse(" {\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\",\"n\":-12.5e2,\"z\":0,"
                + "\"t\":true,\"f\":false,\"x\":null,\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(m.get("s")).isEqualTo("a\"\\/\b\f\n\r\t\u00e9\ud83d\ude00");
        assertThat(m.get("n")).isEqualTo(new BigDecimal("-12.5e2"));
        assertThat(m.get("z")).isEqualTo(BigDecimal.ZERO);
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m.get("f")).isEqualTo(false);
        assertThat(m.containsKey("x")).isTrue();
        assertThat(m.get("x")).isNull();
        assertThat((List<?>) m.get("a")).hasSize(3);
        assertThat(m.get("o")).isEqualTo(Map.of("k", "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[1 2]", "{a:1}",
            "{'a':1}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity", "tru", "nul", "\"abc", "\"\\x\"",
            "\"\\u12\"", "\"\\u12g4\"", "\"a\tb\"", "{\"a\":1}x", "{\"a\":1}{}", "[]]", "{\"a\":1,\"a\":2}",
            "1e999999999999", "\u00a0{}", "/*c*/{}"})
    void rejectsMalformedInput(String s) {
        assertThatThrownBy(() -> parse(s)).isInstanceOf(Json.ParseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83dz\"", "\"\\ude00\\ud83d\"",
            "{\"\\ud800\":\"x\"}"})
    void rejectsUnpairedSurrogates(String s) {
        assertThatThrownBy(() -> parse(s)).isInstanceOf(Json.ParseException.class).hasMessageContaining("surrogate");
    }

    @Test
    void acceptsEscapedSurrogatePairs() throws Exception {
        assertThat(parse("\"\\ud83d\\ude00\"")).isEqualTo("\ud83d\ude00");
        assertThat(parse("\"\ud83d\ude00\"")).isEqualTo("\ud83d\ude00");
    }

    @Test
    void rejectsRawEncodedSurrogates() {
        byte[] cesu = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        assertThatThrownBy(() -> Json.parse(cesu)).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = {'"', (byte) 0xc3, (byte) 0x28, '"'};
        assertThatThrownBy(() -> Json.parse(bad)).isInstanceOf(Json.ParseException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void limitsDepthAndSize() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(parse(ok)).isInstanceOf(List.class);
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(Json.ParseException.class).hasMessageContaining("deeper");
        // Very deep input must not overflow the stack: the depth check stops recursion early.
        assertThatThrownBy(() -> parse("[".repeat(500_000))).isInstanceOf(Json.ParseException.class);
        assertThatThrownBy(() -> Json.parse(new byte[Json.MAX_INPUT_BYTES + 1])).isInstanceOf(Json.ParseException.class);
        assertThatThrownBy(() -> parse("1" + "0".repeat(Json.MAX_NUMBER_LENGTH))).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void randomAndMutatedInputOnlyEverThrowsParseException() {
        Random random = new Random(42);
        byte[] seed = "{\"KeyId\":\"alias/a\",\"Plaintext\":\"AAEC\",\"EncryptionContext\":{\"k\":\"v\"},\"GrantTokens\":[\"t\"],\"Limit\":10,\"B\":true}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] alphabet = "{}[]\",:\\ -+.0123456789eEtrufalsn\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = seed.clone();
                for (int m = random.nextInt(4) + 1; m > 0; m--) {
                    input[random.nextInt(input.length)] = alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                input = new byte[random.nextInt(40)];
                for (int j = 0; j < input.length; j++) {
                    input[j] = alphabet[random.nextInt(alphabet.length)];
                }
            }
            try {
                Json.parse(input);
            } catch (Json.ParseException expected) {
                // the only allowed failure
            } catch (RuntimeException | StackOverflowError e) {
                fail("unexpected " + e + " for input " + new String(input, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void writesWhatItReads() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"b\\c\n\u0001\u2028\ud83d\ude00");
        m.put("n", 42);
        m.put("d", new BigDecimal("1.5"));
        m.put("b", true);
        m.put("x", null);
        m.put("l", List.of("a", 1L));
        m.put("blob", new byte[] {0, 1, 2, (byte) 0xff});
        String json = new String(Json.write(m), StandardCharsets.UTF_8);
        assertThat(json).contains("\"blob\":\"AAEC/w==\"").contains("\\u0001").contains("\\u2028");
        Map<?, ?> back = (Map<?, ?>) Json.parse(Json.write(m));
        assertThat(back.get("s")).isEqualTo(m.get("s"));
        assertThat(back.get("n")).isEqualTo(new BigDecimal(42));
        assertThat(back.get("l")).isEqualTo(List.of("a", new BigDecimal(1)));
        // A lone surrogate is escaped, so the output stays well-formed UTF-8; the reader, which
        // must not let two strings collapse to the same bytes, refuses it.
        assertThat(new String(Json.write("a\ud800b"), StandardCharsets.UTF_8)).isEqualTo("\"a\\ud800b\"");
        assertThatThrownBy(() -> Json.parse(Json.write("a\ud800b"))).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void writesTimestampsAsEpochSeconds() {
        assertThat(Json.epochSeconds(Instant.ofEpochSecond(1_700_000_000))).isEqualTo("1700000000");
        assertThat(Json.epochSeconds(Instant.ofEpochMilli(1_700_000_000_123L))).isEqualTo("1700000000.123");
        assertThat(Json.epochSeconds(Instant.ofEpochMilli(1_700_000_000_500L))).isEqualTo("1700000000.5");
        assertThat(new String(Json.write(Map.of("t", Instant.ofEpochSecond(5))), StandardCharsets.UTF_8))
                .isEqualTo("{\"t\":5}");
    }
}
