package dev.arkhe.kms.local;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * One version of a KEK's AES-256 key material, held as a raw array so that it can be zeroed.
 * A {@code SecretKeySpec} would keep a private copy that nobody can wipe; this class hands
 * the JCE a copy per {@code Cipher.init} (as {@code SecretKeySpec} does) and zeroes its own
 * array on {@link #destroy()}.
 */
final class AesKey implements SecretKey {

    private static final long serialVersionUID = 1L;

    static final int LENGTH = 32;

    private final byte[] bytes;
    private volatile boolean destroyed;

    /** Takes ownership of {@code bytes} (32 bytes); the caller must not keep the array. */
    AesKey(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("KEK material is " + LENGTH + " bytes, got " + bytes.length);
        }
        this.bytes = bytes;
    }

    @Override
    public String getAlgorithm() {
        return "AES";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        return bytes.clone();
    }

    /** The array itself, for the store encoder only; never hand it out. */
    byte[] raw() {
        return bytes;
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "AesKey[256 bits" + (destroyed ? ", destroyed" : "") + "]";
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("KEK material is not serializable");
    }

    private void readObject(ObjectInputStream in) throws IOException {
        throw new NotSerializableException("KEK material is not serializable");
    }
}
