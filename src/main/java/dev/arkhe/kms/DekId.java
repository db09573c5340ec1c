package dev.arkhe.kms;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A 16-byte identifier of a wrapped data key, derived from the wrapped bytes exactly as the
 * reference runtime derives it: the first 16 bytes of keyed BLAKE3 with key
 * {@code BLAKE3("arkhe-forge-aws-kms-dek-id")} over the wrapped blob. It is the same for
 * every backend and reveals nothing about the plaintext key. Immutable and thread-safe.
 */
public final class DekId {

    /** Length of a DEK id in bytes. */
    public static final int LENGTH = 16;

    private static final byte[] DERIVATION_KEY = Blake3.hash(Blake3.utf8("arkhe-forge-aws-kms-dek-id"));

    private final byte[] bytes;

    private DekId(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Derives the id of a wrapped key.
     *
     * @param wrapped the wrapped blob exactly as the backend returned it; at least one byte
     * @throws IllegalArgumentException if {@code wrapped} is null or empty
     */
    public static DekId of(byte[] wrapped) {
        if (wrapped == null || wrapped.length == 0) {
            throw new IllegalArgumentException("wrapped key is " + (wrapped == null ? "null" : "empty"));
        }
        return new DekId(Blake3.keyedHash(DERIVATION_KEY, wrapped, LENGTH));
    }

    /**
     * Rebuilds an id from its 16 bytes, for example as read from a database.
     *
     * @throws IllegalArgumentException unless exactly 16 bytes are given
     */
    public static DekId fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a DEK id is " + LENGTH + " bytes, got " + bytes.length);
        }
        return new DekId(bytes.clone());
    }

    /**
     * Parses the form {@link #toHex()} prints.
     *
     * @throws IllegalArgumentException unless given 32 hex digits
     */
    public static DekId fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a DEK id is " + 2 * LENGTH + " hex digits, got " + hex.length());
        }
        return new DekId(HexFormat.of().parseHex(hex));
    }

    static byte[] derivationKey() {
        return DERIVATION_KEY.clone();
    }

    /** A copy of the 16 id bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The id as 32 lower-case hex digits. */
    public String toHex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DekId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "DekId[" + toHex() + "]";
    }
}
