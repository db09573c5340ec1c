package dev.arkhe.kms;

/** How a {@link KeyDeletionAttestation} is authenticated. */
public enum SignatureClass {
    /** The payload is an unsigned digest: it binds the ARN and date but proves nothing about who made it. */
    NONE,
    /** The payload is signed with Ed25519 (JDK algorithm name {@code Ed25519}). */
    ED25519
}
