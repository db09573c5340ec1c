package dev.arkhe.kms.local;

import static dev.arkhe.kms.local.KmsAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsWrappedBlobTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t1", "table", "orders"));

    @TempDir
    Path dir;
    LocalKmsBackend kms;
    KekRef kek;
    DataKey dk;

    @BeforeEach
    void open() throws Exception {
        kms = LocalKmsBackend.open(dir);
        kek = kms.createKey("k");
        dk = kms.generateDek(kek, CTX);
    }

    @AfterEach
    void close() {
        kms.close();
    }

    @Test
    void blobIsSelfDescribingHeaderThenCiphertextAndTag() {
        byte[] w = dk.wrapped();
        assertThat(w).hasSize(37 + 32 + 16);
        assertThat(Arrays.copyOf(w, 4)).isEqualTo(new byte[] {'A', 'K', 'L', 'W'});
        assertThat(w[4]).isEqualTo((byte) 1);
        WrappedFormat.Header h = WrappedFormat.parse(w);
        assertThat(kek.id()).endsWith("/" + h.keyId());
        assertThat(h.materialVersion()).isEqualTo(1);
    }

    @Test
    void twoWrapsOfTheSameKeyDifferByNonce() throws Exception {
        byte[] a = kms.wrapDek(dk, kek, CTX);
        byte[] b = kms.wrapDek(dk, kek, CTX);
        assertThat(a).isNotEqualTo(b);
        assertThat(Arrays.copyOfRange(a, 25, 37)).isNotEqualTo(Arrays.copyOfRange(b, 25, 37));
    }

    @Test
    void unwrapUnderAnotherKekFailsWithUnwrapFailed() throws Exception {
        KekRef other = kms.createKey("other");
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(dk.wrapped(), other, CTX));
    }

    @Test
    void unwrapWithAnotherContextFailsWithUnwrapFailed() {
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(dk.wrapped(), kek, EncryptionContext.empty()));
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(dk.wrapped(), kek,
                EncryptionContext.of(Map.of("tenant", "t2", "table", "orders"))));
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(dk.wrapped(), kek,
                EncryptionContext.of(Map.of("tenant", "t1"))));
    }

    @Test
    void blobWithHeaderRewrittenToAnotherKeyFailsWithUnwrapFailed() throws Exception {
        KekRef other = kms.createKey("other");
        byte[] w = dk.wrapped();
        WrappedFormat.Header h = WrappedFormat.parse(kms.generateDek(other, CTX).wrapped());
        WrappedFormat.writeHeader(w, h.keyId(), 1);
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(w, other, CTX));
    }

    @Test
    void blobNamingAMissingMaterialVersionFailsWithUnwrapFailed() {
        byte[] w = dk.wrapped();
        WrappedFormat.putInt(w, WrappedFormat.MATERIAL_VERSION_OFFSET, 2);
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(w, kek, CTX));
        WrappedFormat.putInt(w, WrappedFormat.MATERIAL_VERSION_OFFSET, Integer.MIN_VALUE);
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(w, kek, CTX));
    }

    @Test
    void everyTruncationFailsWithUnwrapFailedOnly() {
        byte[] w = dk.wrapped();
        for (int len = 0; len < w.length; len++) {
            byte[] cut = Arrays.copyOf(w, len);
            assertOnlyUnwrapFailed(cut, "truncated to " + len);
        }
    }

    @Test
    void everyExtensionFailsWithUnwrapFailedOnly() {
        byte[] w = dk.wrapped();
        for (int extra : new int[] {1, 2, 15, 16, 17, 1000, 6144 - w.length, 6145 - w.length, 10_000}) {
            byte[] longer = Arrays.copyOf(w, w.length + extra);
            assertOnlyUnwrapFailed(longer, "extended by " + extra);
        }
    }

    @Test
    void everySingleBitFlipAtEveryPositionFailsWithUnwrapFailedOnly() {
        byte[] w = dk.wrapped();
        for (int i = 0; i < w.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = w.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertOnlyUnwrapFailed(flipped, "bit " + bit + " of byte " + i);
            }
        }
    }

    @Test
    void garbageAndEmptyBlobsFailWithUnwrapFailedOnly() {
        assertOnlyUnwrapFailed(new byte[0], "empty");
        assertOnlyUnwrapFailed(new byte[85], "zeros");
        byte[] magicOnly = new byte[85];
        System.arraycopy(WrappedFormat.MAGIC, 0, magicOnly, 0, 4);
        magicOnly[4] = 1;
        assertOnlyUnwrapFailed(magicOnly, "magic and zeros");
        byte[] huge = new byte[6145];
        System.arraycopy(dk.wrapped(), 0, huge, 0, 85);
        assertOnlyUnwrapFailed(huge, "over 6144 bytes");
    }

    @Test
    void rewrapOfATamperedBlobFailsWithUnwrapFailed() throws Exception {
        KekRef other = kms.createKey("other");
        byte[] w = dk.wrapped();
        w[w.length - 1] ^= 1;
        assertFails(Reason.UNWRAP_FAILED, () -> kms.rewrapDek(w, kek, other, CTX));
    }

    @Test
    void largestKeyWrapsWithinTheKmsBlobLimit() throws Exception {
        byte[] w = kms.wrapDek(dev.arkhe.kms.Dek.of(new byte[4096], "RAW-KEY"), kek, CTX);
        assertThat(w.length).isEqualTo(37 + 4096 + 16).isLessThanOrEqualTo(6144);
    }

    private void assertOnlyUnwrapFailed(byte[] blob, String what) {
        try {
            kms.unwrapDek(blob, kek, CTX);
            throw new AssertionError("unwrap succeeded for a blob " + what);
        } catch (KmsException e) {
            assertThat(e.reason()).as(what + ": " + e.getMessage()).isEqualTo(Reason.UNWRAP_FAILED);
        }
        // Any other exception type propagates out of this method and fails the test.
    }
}
