package dev.arkhe.kms;

/** The life-cycle state of a key-encryption key, as KMS reports it. */
public enum KekState {
    /** Usable for every operation. */
    ENABLED,
    /** Exists, but every cryptographic operation fails with {@code KEK_DISABLED}. */
    DISABLED,
    /** Scheduled for deletion; every cryptographic operation fails with {@code KEK_PENDING_DELETION}. */
    PENDING_DELETION
}
