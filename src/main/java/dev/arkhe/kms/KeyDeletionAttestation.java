package dev.arkhe.kms;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Evidence that a KEK was scheduled for deletion: the key ARN, the date its material is
 * destroyed, and a 32-byte payload
 * {@code BLAKE3("arkhe-forge-aws-kms-delete-attestation" || ARN as UTF-8 || date as signed
 * 64-bit epoch seconds, little-endian)}, optionally signed with Ed25519.
 *
 * <p>An attestation of class {@link SignatureClass#NONE} binds the ARN and date but does not
 * prove who made it. Immutable and thread-safe; two attestations for the same deletion are
 * {@link #equals equal} (Ed25519 signatures are deterministic).
 */
public final class KeyDeletionAttestation {

    /** Length of the payload in bytes. */
    public static final int PAYLOAD_LENGTH = 32;

    private static final byte[] DOMAIN = Blake3.utf8("arkhe-forge-aws-kms-delete-attestation");

    private final String kekArn;
    private final Instant deletionDate;
    private final SignatureClass signatureClass;
    private final byte[] payload;
    private final byte[] signature;
    private final OptionalLong logIndex;

    private KeyDeletionAttestation(String kekArn, Instant deletionDate, SignatureClass signatureClass,
                                   byte[] payload, byte[] signature, OptionalLong logIndex) {
        this.kekArn = kekArn;
        this.deletionDate = deletionDate;
        this.signatureClass = signatureClass;
        this.payload = payload;
        this.signature = signature;
        this.logIndex = logIndex;
    }

    /**
     * The payload for a deletion, as specified in the design.
     *
     * @param kekArn       the key ARN (or id) as KMS reported it
     * @param deletionDate the deletion date; sub-second parts are ignored
     */
    public static byte[] payloadFor(String kekArn, Instant deletionDate) {
        Objects.requireNonNull(kekArn, "kekArn");
        Objects.requireNonNull(deletionDate, "deletionDate");
        byte[] seconds = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(deletionDate.getEpochSecond()).array();
        return Blake3.hash(DOMAIN, Blake3.utf8(kekArn), seconds);
    }

    /** An unsigned attestation (class NONE). */
    public static KeyDeletionAttestation unsigned(String kekArn, Instant deletionDate) {
        Instant date = truncate(deletionDate);
        return new KeyDeletionAttestation(kekArn, date, SignatureClass.NONE, payloadFor(kekArn, date),
                new byte[0], OptionalLong.empty());
    }

    /**
     * An attestation signed with an Ed25519 private key (class ED25519).
     *
     * @throws InvalidKeyException if {@code signingKey} is not an Ed25519 private key
     */
    public static KeyDeletionAttestation signed(String kekArn, Instant deletionDate, PrivateKey signingKey)
            throws InvalidKeyException {
        Objects.requireNonNull(signingKey, "signingKey");
        Instant date = truncate(deletionDate);
        byte[] payload = payloadFor(kekArn, date);
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(signingKey);
            signer.update(payload);
            return new KeyDeletionAttestation(kekArn, date, SignatureClass.ED25519, payload, signer.sign(),
                    OptionalLong.empty());
        } catch (InvalidKeyException e) {
            throw new InvalidKeyException("attestation signing key must be an Ed25519 private key, got "
                    + signingKey.getAlgorithm(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** A copy of this attestation that records its index in a transparency log. */
    public KeyDeletionAttestation withLogIndex(long index) {
        return new KeyDeletionAttestation(kekArn, deletionDate, signatureClass, payload, signature,
                OptionalLong.of(index));
    }

    private static Instant truncate(Instant date) {
        Objects.requireNonNull(date, "deletionDate");
        return Instant.ofEpochSecond(date.getEpochSecond());
    }

    /** The full ARN of the deleted KEK. */
    public String kekArn() {
        return kekArn;
    }

    /** When the KEK's material is destroyed, to the second. */
    public Instant deletionDate() {
        return deletionDate;
    }

    public SignatureClass signatureClass() {
        return signatureClass;
    }

    /** A copy of the 32-byte payload. */
    public byte[] payload() {
        return payload.clone();
    }

    /** A copy of the signature; empty for class NONE. */
    public byte[] signature() {
        return signature.clone();
    }

    /** The index in a transparency log, when the attestation was logged. */
    public OptionalLong logIndex() {
        return logIndex;
    }

    /**
     * Checks that the payload matches the ARN and date and, for class ED25519, that the
     * signature verifies under {@code publicKey}.
     *
     * @return false for class NONE (there is nothing to verify a key against), for a payload
     *         that does not match, for a bad signature, or for a key that is not Ed25519
     */
    public boolean verify(PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (signatureClass != SignatureClass.ED25519) {
            return false;
        }
        if (!MessageDigest.isEqual(payload, payloadFor(kekArn, deletionDate))) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(payload);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyDeletionAttestation other
                && kekArn.equals(other.kekArn)
                && deletionDate.equals(other.deletionDate)
                && signatureClass == other.signatureClass
                && Arrays.equals(payload, other.payload)
                && Arrays.equals(signature, other.signature)
                && logIndex.equals(other.logIndex);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kekArn, deletionDate, signatureClass, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "KeyDeletionAttestation[" + kekArn + ", deletion " + deletionDate + ", " + signatureClass
                + ", payload " + Hex.encode(payload) + (logIndex.isPresent() ? ", log " + logIndex.getAsLong() : "")
                + "]";
    }
}
