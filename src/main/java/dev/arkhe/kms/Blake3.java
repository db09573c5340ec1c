package dev.arkhe.kms;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/** BLAKE3 hashing as the reference runtime's derivations use it. */
final class Blake3 {

    private Blake3() {
    }

    /** Unkeyed BLAKE3 with 32-byte output over the concatenation of the parts. */
    static byte[] hash(byte[]... parts) {
        Blake3Digest digest = new Blake3Digest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** Keyed BLAKE3 (32-byte key) truncated to {@code outLength} bytes. */
    static byte[] keyedHash(byte[] key, byte[] data, int outLength) {
        Blake3Digest digest = new Blake3Digest(outLength * 8);
        digest.init(Blake3Parameters.key(key));
        digest.update(data, 0, data.length);
        byte[] out = new byte[outLength];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
