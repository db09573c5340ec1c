package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DekTest {

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + 37 * i);
        }
        return b;
    }

    @Test
    void getEncodedReturnsAFreshCopyAndInputIsCopied() {
        byte[] material = bytes(32, 1);
        Dek dek = Dek.of(material);
        material[0] ^= 1;
        byte[] first = dek.getEncoded();
        assertThat(first).isEqualTo(bytes(32, 1));
        first[1] ^= 1;
        assertThat(dek.getEncoded()).isEqualTo(bytes(32, 1));
        assertThat(dek.getAlgorithm()).isEqualTo("AES");
        assertThat(dek.getFormat()).isEqualTo("RAW");
        assertThat(dek.length()).isEqualTo(32);
    }

    @Test
    void destroyMarksDestroyedAndEveryAccessorThrowsIllegalState() throws Exception {
        Dek dek = Dek.of(bytes(16, 5));
        dek.destroy();
        assertThat(dek.isDestroyed()).isTrue();
        assertThatThrownBy(dek::getEncoded).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(dek::length).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> dek.equals(Dek.of(bytes(16, 5)))).isInstanceOf(IllegalStateException.class);
        dek.destroy();
        assertThat(dek.toString()).contains("destroyed");
    }

    @Test
    void destroyedDataKeyKeepsItsNonSecretAccessors() {
        byte[] wrapped = {1, 2, 3};
        DataKey dk = DataKey.of(bytes(32, 9), wrapped, "arn:aws:kms:us-east-1:111122223333:key/x",
                EncryptionContext.empty());
        dk.destroy();
        assertThatThrownBy(dk::getEncoded).isInstanceOf(IllegalStateException.class);
        assertThat(dk.wrapped()).isEqualTo(wrapped);
        assertThat(dk.dekId()).isEqualTo(DekId.of(wrapped));
        assertThat(dk.kekArn()).endsWith("key/x");
    }

    @Test
    void equalsComparesAlgorithmAndMaterial() {
        assertThat(Dek.of(bytes(32, 1))).isEqualTo(Dek.of(bytes(32, 1)));
        assertThat(Dek.of(bytes(32, 1))).isNotEqualTo(Dek.of(bytes(32, 2)));
        assertThat(Dek.of(bytes(32, 1))).isNotEqualTo(Dek.of(bytes(32, 1), "HmacSHA256"));
        assertThat(Dek.of(bytes(16, 1))).isNotEqualTo(Dek.of(bytes(32, 1)));
        assertThat(Dek.of(bytes(32, 1)).hashCode()).isEqualTo(Dek.of(bytes(32, 2)).hashCode());
    }

    @Test
    void lengthRulesForDataKeysAndRawKeys() {
        assertThatThrownBy(() -> Dek.of(new byte[24])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dek.of(new byte[0], "X")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dek.of(new byte[4097], "X")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dek.of(new byte[8], "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Dek.of(new byte[1], "X").length()).isEqualTo(1);
        assertThat(Dek.of(new byte[4096], "X").length()).isEqualTo(4096);
    }

    @Test
    void dekAndDataKeyRefuseJavaSerialization() throws Exception {
        Dek dek = Dek.of(bytes(32, 3));
        DataKey dk = DataKey.of(bytes(32, 3), new byte[] {9}, "arn", EncryptionContext.empty());
        for (Object key : new Object[] {dek, dk}) {
            try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                assertThatThrownBy(() -> out.writeObject(key)).isInstanceOf(NotSerializableException.class);
            }
        }
    }

    @Test
    void toStringNeverShowsMaterial() {
        byte[] material = bytes(32, 77);
        Dek dek = Dek.of(material);
        DataKey dk = DataKey.of(material, new byte[] {1}, "arn:x", EncryptionContext.empty());
        for (String s : new String[] {dek.toString(), dk.toString()}) {
            assertThat(s).doesNotContain(HexFormat.of().formatHex(material))
                    .doesNotContain(HexFormat.of().formatHex(material).toUpperCase())
                    .doesNotContain(HexFormat.of().formatHex(material, 0, 4))
                    .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(material))
                    .doesNotContain(Base64.getEncoder().encodeToString(new byte[] {material[0], material[1], material[2]}));
        }
        assertThat(dek.toString()).isEqualTo("Dek[AES, 32 bytes]");
    }
}
