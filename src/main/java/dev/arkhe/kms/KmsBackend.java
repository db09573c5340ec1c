package dev.arkhe.kms;

/**
 * Envelope-encryption operations against a KMS: generate, wrap, unwrap and re-wrap data
 * keys under a key-encryption key (KEK), schedule a KEK's deletion for crypto-shredding,
 * and check KEKs before a rotation.
 *
 * <p>Implementations are thread-safe: one instance serves all threads. Every method
 * throws {@link KmsException} with a {@link KmsException.Reason}; messages name the KEK and
 * the operation and never contain key material. The overloads without an
 * {@link EncryptionContext} use the empty context. After {@link #close()} every call fails
 * with {@link IllegalStateException}.
 */
public interface KmsBackend extends AutoCloseable {

    /**
     * Generates a data key under {@code kek}.
     *
     * @param keySizeBits 128 or 256
     * @return the plaintext key with its wrapped form, id, KEK ARN and context
     * @throws KmsException INVALID_INPUT for another size; KEK_NOT_FOUND, KEK_DISABLED,
     *                      KEK_PENDING_DELETION, ACCESS_DENIED, THROTTLED, UNAVAILABLE, BACKEND
     */
    DataKey generateDek(KekRef kek, int keySizeBits, EncryptionContext ctx) throws KmsException;

    /** Generates a 256-bit data key under {@code kek}; see {@link #generateDek(KekRef, int, EncryptionContext)}. */
    default DataKey generateDek(KekRef kek, EncryptionContext ctx) throws KmsException {
        return generateDek(kek, 256, ctx);
    }

    /** Generates a 256-bit data key with the empty context. */
    default DataKey generateDek(KekRef kek) throws KmsException {
        return generateDek(kek, 256, EncryptionContext.empty());
    }

    /**
     * Wraps key material (1 to 4096 bytes) under {@code kek}, binding {@code ctx}.
     *
     * @return the wrapped blob; unwrapping it needs the same KEK and context
     * @throws KmsException INVALID_INPUT for a destroyed key; the key-state and transport reasons
     */
    byte[] wrapDek(Dek dek, KekRef kek, EncryptionContext ctx) throws KmsException;

    /** Wraps with the empty context. */
    default byte[] wrapDek(Dek dek, KekRef kek) throws KmsException {
        return wrapDek(dek, kek, EncryptionContext.empty());
    }

    /**
     * Opens a wrapped key. The KEK is pinned: a blob wrapped under another KEK fails.
     *
     * @return the plaintext key (algorithm "AES"); destroy it after use
     * @throws KmsException UNWRAP_FAILED for another KEK, another context, a damaged or foreign
     *                      blob; the key-state and transport reasons
     */
    Dek unwrapDek(byte[] wrapped, KekRef kek, EncryptionContext ctx) throws KmsException;

    /** Unwraps with the empty context. */
    default Dek unwrapDek(byte[] wrapped, KekRef kek) throws KmsException {
        return unwrapDek(wrapped, kek, EncryptionContext.empty());
    }

    /**
     * Re-wraps a key from one KEK to another without returning its plaintext to the caller.
     * The context stays the same.
     *
     * @throws KmsException as {@link #unwrapDek} for {@code from}, and the key-state reasons for {@code to}
     */
    byte[] rewrapDek(byte[] wrapped, KekRef from, KekRef to, EncryptionContext ctx) throws KmsException;

    /** Re-wraps with the empty context. */
    default byte[] rewrapDek(byte[] wrapped, KekRef from, KekRef to) throws KmsException {
        return rewrapDek(wrapped, from, to, EncryptionContext.empty());
    }

    /**
     * Schedules the KEK's deletion (crypto-shredding every key wrapped under it once the
     * pending window ends) and returns an attestation of it. Idempotent: on a key already
     * pending deletion it returns an equal attestation for the existing deletion date.
     *
     * @throws KmsException KEK_NOT_FOUND, ACCESS_DENIED, THROTTLED, UNAVAILABLE, BACKEND
     */
    KeyDeletionAttestation deleteKey(KekRef kek) throws KmsException;

    /**
     * Checks that a rotation from {@code oldKek} to {@code newKek} can proceed: both exist,
     * are enabled and are symmetric encrypt/decrypt keys. Changes nothing.
     *
     * @throws KmsException KEK_NOT_FOUND, KEK_DISABLED, KEK_PENDING_DELETION, INVALID_INPUT
     *                      (wrong key type, or both refer to the same key), and the transport reasons
     */
    void rotateKek(KekRef oldKek, KekRef newKek) throws KmsException;

    /**
     * Reports the KEK's ARN, state and dates. Works in every state.
     *
     * @throws KmsException KEK_NOT_FOUND, ACCESS_DENIED and the transport reasons
     */
    KekInfo describeKek(KekRef kek) throws KmsException;

    /** Releases the backend's resources and zeroes any key material it holds. Idempotent. */
    @Override
    void close();
}
