package dev.arkhe.kms;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Plaintext key material that a KMS wraps or unwrapped: a data-encryption key (16 or 32
 * bytes, as {@link KmsBackend#generateDek} makes them) or any other key encoding of 1 to
 * 4096 bytes, the range KMS Encrypt accepts.
 *
 * <p>{@link #destroy()} zeroes the material; every accessor then throws
 * {@link IllegalStateException}. {@link #toString()} never shows material, {@link #equals}
 * compares in constant time, and instances refuse Java serialization. Thread-safe: a
 * concurrent {@code destroy()} never lets {@link #getEncoded()} return a half-zeroed copy.
 */
public sealed class Dek implements SecretKey permits DataKey {

    private static final long serialVersionUID = 1L;

    /** Smallest key KMS Encrypt accepts, in bytes. */
    public static final int MIN_LENGTH = 1;
    /** Largest key KMS Encrypt accepts, in bytes. */
    public static final int MAX_LENGTH = 4096;

    private final String algorithm;
    private final byte[] material;
    private boolean destroyed;

    Dek(byte[] material, String algorithm) {
        Objects.requireNonNull(material, "key material");
        Objects.requireNonNull(algorithm, "algorithm");
        if (material.length < MIN_LENGTH || material.length > MAX_LENGTH) {
            throw new IllegalArgumentException("key material must be " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " bytes, got " + material.length);
        }
        if (algorithm.isEmpty()) {
            throw new IllegalArgumentException("algorithm name is empty");
        }
        this.material = material.clone();
        this.algorithm = algorithm;
    }

    /**
     * An AES data key.
     *
     * @param material 16 or 32 bytes; copied, so the caller may wipe its array
     * @throws IllegalArgumentException for any other length
     */
    public static Dek of(byte[] material) {
        Objects.requireNonNull(material, "key material");
        checkDataKeyLength(material.length);
        return new Dek(material, "AES");
    }

    /**
     * Key material of any algorithm, as unwrapped by a KMS.
     *
     * @param material  1 to 4096 bytes; copied
     * @param algorithm the JCA algorithm name reported by {@link #getAlgorithm()}
     * @throws IllegalArgumentException for a length outside 1..4096 or an empty algorithm name
     */
    public static Dek of(byte[] material, String algorithm) {
        return new Dek(material, algorithm);
    }

    static void checkDataKeyLength(int length) {
        if (length != 16 && length != 32) {
            throw new IllegalArgumentException("a data key is 16 or 32 bytes, got " + length);
        }
    }

    @Override
    public final String getAlgorithm() {
        return algorithm;
    }

    /** Always {@code "RAW"}. */
    @Override
    public final String getFormat() {
        return "RAW";
    }

    /**
     * A fresh copy of the key material; the caller should wipe it after use.
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    @Override
    public final synchronized byte[] getEncoded() {
        checkNotDestroyed();
        return material.clone();
    }

    /**
     * The length of the key material in bytes.
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    public final synchronized int length() {
        checkNotDestroyed();
        return material.length;
    }

    /** Zeroes the key material. Idempotent. */
    @Override
    public final synchronized void destroy() {
        Arrays.fill(material, (byte) 0);
        destroyed = true;
    }

    @Override
    public final synchronized boolean isDestroyed() {
        return destroyed;
    }

    final synchronized void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("key has been destroyed");
        }
    }

    /**
     * Constant-time comparison of algorithm and material (the length is not hidden).
     *
     * @throws IllegalStateException if either key has been destroyed
     */
    @Override
    public final boolean equals(Object o) {
        if (this == o) {
            checkNotDestroyed();
            return true;
        }
        if (!(o instanceof Dek other)) {
            return false;
        }
        byte[] mine = getEncoded();
        byte[] theirs = other.getEncoded();
        try {
            return MessageDigest.isEqual(mine, theirs) & algorithm.equals(other.algorithm);
        } finally {
            Arrays.fill(mine, (byte) 0);
            Arrays.fill(theirs, (byte) 0);
        }
    }

    /** Depends on the algorithm and length only, so that it reveals nothing about the material. */
    @Override
    public final int hashCode() {
        return 31 * algorithm.hashCode() + material.length;
    }

    @Override
    public String toString() {
        return "Dek[" + algorithm + ", " + material.length + " bytes" + (isDestroyed() ? ", destroyed" : "") + "]";
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("key material is not serializable: wrap it with a KMS instead");
    }

    private void readObject(ObjectInputStream in) throws IOException {
        throw new NotSerializableException("key material is not serializable: wrap it with a KMS instead");
    }
}
