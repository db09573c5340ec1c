package dev.arkhe.kms.jce;

import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters of the {@code KmsDataKey} key generator: the KEK that wraps each generated key,
 * the key size, and the encryption context bound to the wrapped key. Immutable and thread-safe.
 */
public final class KmsKeyGenParameterSpec implements AlgorithmParameterSpec {

    private final KekRef kek;
    private final int keySizeBits;
    private final EncryptionContext context;

    /**
     * @param kek               the key-encryption key; not null
     * @param keySizeBits       128 or 256
     * @param encryptionContext the pairs to bind; copied
     * @throws IllegalArgumentException for another key size or a bad context
     * @throws NullPointerException     for a null KEK
     */
    public KmsKeyGenParameterSpec(KekRef kek, int keySizeBits, Map<String, String> encryptionContext) {
        this.kek = Objects.requireNonNull(kek, "kek");
        if (keySizeBits != 128 && keySizeBits != 256) {
            throw new IllegalArgumentException("KmsDataKey generates 128- or 256-bit AES keys, not " + keySizeBits);
        }
        this.keySizeBits = keySizeBits;
        this.context = EncryptionContext.of(encryptionContext);
    }

    /** A 256-bit key under {@code kek} with an empty encryption context. */
    public KmsKeyGenParameterSpec(KekRef kek) {
        this(kek, 256, Map.of());
    }

    public KekRef kek() {
        return kek;
    }

    public int keySizeBits() {
        return keySizeBits;
    }

    /** The encryption context as an unmodifiable sorted map. */
    public Map<String, String> encryptionContext() {
        return context.asMap();
    }

    /** The encryption context in the contract's type. */
    public EncryptionContext context() {
        return context;
    }

    @Override
    public String toString() {
        return "KmsKeyGenParameterSpec[" + kek.id() + ", " + keySizeBits + " bits, " + context + "]";
    }
}
