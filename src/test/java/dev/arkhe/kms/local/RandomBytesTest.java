package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomBytesTest {

    @Test
    void drawsAcrossBlockBoundariesNeverRepeatAndAreNotZero() {
        RandomBytes random = new RandomBytes();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            byte[] nonce = new byte[i % 2 == 0 ? 12 : 44];
            random.nextBytes(nonce);
            assertThat(nonce).isNotEqualTo(new byte[nonce.length]);
            assertThat(seen.add(HexFormat.of().formatHex(nonce))).isTrue();
        }
    }

    @Test
    void requestsLargerThanABlockAreFilled() {
        byte[] big = new byte[5000];
        new RandomBytes().nextBytes(big);
        int zeros = 0;
        for (byte b : big) {
            zeros += b == 0 ? 1 : 0;
        }
        assertThat(zeros).isLessThan(100);
    }
}
