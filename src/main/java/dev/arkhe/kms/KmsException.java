package dev.arkhe.kms;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * The one checked exception of the {@link KmsBackend} contract.
 *
 * <p>Every failure carries a {@link Reason} that callers can branch on, and
 * {@link #retryable()} says whether the same call may succeed if repeated later.
 * Messages name the KEK and the operation; they never contain key material.
 */
public final class KmsException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** Why a KMS call failed. The mapping from AWS KMS errors is fixed in the design. */
    public enum Reason {
        /** The KEK does not exist (NotFoundException, InvalidArnException). */
        KEK_NOT_FOUND(false),
        /** The KEK exists but is disabled (DisabledException). */
        KEK_DISABLED(false),
        /** The KEK is scheduled for deletion; no cryptographic operation is allowed. */
        KEK_PENDING_DELETION(false),
        /** The caller may not use the KEK (AccessDenied, unrecognized client, bad grant, signature). */
        ACCESS_DENIED(false),
        /** The wrapped key could not be opened: wrong KEK, wrong context, wrong length or tampering. */
        UNWRAP_FAILED(false),
        /** The request itself is invalid (sizes, identifiers, key usage). */
        INVALID_INPUT(false),
        /** The KMS throttled the request. */
        THROTTLED(true),
        /** The KMS could not be reached or answered with a transient server-side failure. */
        UNAVAILABLE(true),
        /** Anything else; the cause is chained. */
        BACKEND(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether failures for this reason are worth retrying later. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;

    /**
     * @param reason  why the call failed; not null
     * @param message names the KEK and the operation; never key material
     */
    public KmsException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * @param reason  why the call failed; not null
     * @param message names the KEK and the operation; never key material
     * @param cause   the underlying failure, may be null
     */
    public KmsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the call failed. */
    public Reason reason() {
        return reason;
    }

    /** Whether the same call may succeed if repeated later (THROTTLED and UNAVAILABLE only). */
    public boolean retryable() {
        return reason.retryable();
    }
}
