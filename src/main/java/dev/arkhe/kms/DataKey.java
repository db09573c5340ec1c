package dev.arkhe.kms;

import java.util.Objects;

/**
 * A freshly generated data key: the plaintext {@link Dek} (16 or 32 bytes) together with
 * its wrapped form, the id derived from that wrapped form, the ARN of the KEK that wrapped
 * it and the encryption context bound to it.
 *
 * <p>Store {@link #wrapped()}, {@link #dekId()}, {@link #kekArn()} and {@link #context()};
 * use the plaintext, then {@link #destroy()} it. Destroying zeroes the plaintext only: the
 * non-secret accessors keep working. Thread-safe.
 */
public final class DataKey extends Dek {

    private static final long serialVersionUID = 1L;

    private final byte[] wrapped;
    private final DekId dekId;
    private final String kekArn;
    private final EncryptionContext context;

    private DataKey(byte[] plaintext, byte[] wrapped, String kekArn, EncryptionContext context) {
        super(plaintext, "AES");
        this.wrapped = wrapped.clone();
        this.dekId = DekId.of(this.wrapped);
        this.kekArn = kekArn;
        this.context = context;
    }

    /**
     * Assembles a data key; backends call this after a successful generate.
     *
     * @param plaintext 16 or 32 bytes; copied, so the caller should wipe its array
     * @param wrapped   the wrapped blob exactly as the KMS returned it; copied
     * @param kekArn    the full key ARN the KMS reported (never an alias)
     * @param context   the encryption context bound to {@code wrapped}
     * @throws IllegalArgumentException if the plaintext is not 16 or 32 bytes, or wrapped is empty
     */
    public static DataKey of(byte[] plaintext, byte[] wrapped, String kekArn, EncryptionContext context) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(kekArn, "kekArn");
        Objects.requireNonNull(context, "context");
        checkDataKeyLength(plaintext.length);
        return new DataKey(plaintext, wrapped, kekArn, context);
    }

    /** A copy of the wrapped key: what to store beside the data it protects. */
    public byte[] wrapped() {
        return wrapped.clone();
    }

    /** The id derived from {@link #wrapped()}. */
    public DekId dekId() {
        return dekId;
    }

    /** The full ARN of the KEK that wrapped this key. */
    public String kekArn() {
        return kekArn;
    }

    /** The encryption context that unwrapping will require. */
    public EncryptionContext context() {
        return context;
    }

    @Override
    public String toString() {
        return "DataKey[" + dekId.toHex() + ", kek=" + kekArn + ", " + (isDestroyed() ? "destroyed" : "AES") + "]";
    }
}
