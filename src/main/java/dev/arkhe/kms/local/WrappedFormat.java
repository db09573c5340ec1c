package dev.arkhe.kms.local;

import java.util.UUID;

/**
 * The local wrapped-DEK format, version 1 (frozen once released):
 *
 * <pre>
 * offset  length  field
 *  0       4      magic "AKLW"
 *  4       1      format version (1)
 *  5      16      key id (UUID, big-endian most then least significant bits)
 * 21       4      key-material version (big-endian, 1-based)
 * 25      12      random GCM nonce
 * 37       n+16   AES-256-GCM ciphertext of the n-byte key, then the 16-byte tag
 * </pre>
 *
 * The AAD is the 37-byte header followed by the canonical encryption context (as the design
 * specifies). The header is fixed-length, so the AAD is unambiguous; it names the key id,
 * which determines the key ARN ({@code arn:arkhe:kms:local:000000000000:key/<id>}), and
 * the material version, so both are bound.
 */
final class WrappedFormat {

    static final byte[] MAGIC = {'A', 'K', 'L', 'W'};
    static final byte VERSION = 1;
    static final int KEY_ID_OFFSET = 5;
    static final int MATERIAL_VERSION_OFFSET = 21;
    static final int NONCE_OFFSET = 25;
    static final int NONCE_LENGTH = 12;
    static final int HEADER_LENGTH = 37;
    static final int TAG_LENGTH = 16;
    /** KMS's limit on a ciphertext blob. */
    static final int MAX_BLOB_LENGTH = 6144;
    static final int MIN_BLOB_LENGTH = HEADER_LENGTH + 1 + TAG_LENGTH;

    private WrappedFormat() {
    }

    /** What the header of a well-formed blob says; parsing never trusts anything else. */
    record Header(UUID keyId, int materialVersion) {
    }

    /** Writes magic, version, key id and material version; the caller fills the nonce. */
    static void writeHeader(byte[] out, UUID keyId, int materialVersion) {
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[4] = VERSION;
        putLong(out, KEY_ID_OFFSET, keyId.getMostSignificantBits());
        putLong(out, KEY_ID_OFFSET + 8, keyId.getLeastSignificantBits());
        putInt(out, MATERIAL_VERSION_OFFSET, materialVersion);
    }

    /**
     * Parses the header of a blob, checking its length bounds first so that no later read
     * can run past the array.
     *
     * @return the header, or null if the blob is not a well-formed version-1 blob
     */
    static Header parse(byte[] blob) {
        if (blob == null || blob.length < MIN_BLOB_LENGTH || blob.length > MAX_BLOB_LENGTH) {
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (blob[i] != MAGIC[i]) {
                return null;
            }
        }
        if (blob[4] != VERSION) {
            return null;
        }
        int version = getInt(blob, MATERIAL_VERSION_OFFSET);
        if (version < 1) {
            return null;
        }
        UUID id = new UUID(getLong(blob, KEY_ID_OFFSET), getLong(blob, KEY_ID_OFFSET + 8));
        return new Header(id, version);
    }

    /** Whether the header of a blob that {@link #parse} accepted names {@code keyId}; allocates nothing. */
    static boolean namesKey(byte[] blob, UUID keyId) {
        return getLong(blob, KEY_ID_OFFSET) == keyId.getMostSignificantBits()
                && getLong(blob, KEY_ID_OFFSET + 8) == keyId.getLeastSignificantBits();
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
