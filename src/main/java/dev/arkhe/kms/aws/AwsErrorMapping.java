package dev.arkhe.kms.aws;

import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidGrantIdException;
import software.amazon.awssdk.services.kms.model.InvalidGrantTokenException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Maps every failure of an SDK call to the design's {@link Reason}s. The table lives in
 * DESIGN.md; the choices it leaves open are made (and explained) here.
 *
 * <p>Messages have the form {@code "<operation> with KEK <id> failed: <what KMS said>"}. They
 * carry the KMS error code, HTTP status and service message, which KMS never fills with key
 * material; the message is truncated so that an unexpected echo cannot grow without bound.
 * The SDK exception is always chained as the cause.
 */
final class AwsErrorMapping {

    /** Longest service or transport message copied into ours. */
    private static final int MAX_DETAIL = 200;

    /**
     * Error codes that mean "the caller is not who it claims or may not do this". Only
     * AccessDenied and InvalidGrantToken are modelled as classes in the KMS SDK; the others are
     * common AWS authentication codes that arrive as the generic service exception.
     */
    private static final Set<String> AUTH_CODES = Set.of(
            "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
            "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
            "MissingAuthenticationTokenException", "InvalidClientTokenId", "ExpiredTokenException",
            "ExpiredToken", "SignatureDoesNotMatch", "InvalidGrantTokenException", "AuthFailure",
            "RequestExpired", "InvalidAccessKeyId", "NotAuthorized");

    /** Error codes of a request that KMS rejected as malformed. */
    private static final Set<String> INPUT_CODES = Set.of(
            "ValidationException", "InvalidKeyUsageException", "InvalidGrantIdException",
            "InvalidAliasNameException", "InvalidMarkerException", "UnsupportedOperationException",
            "SerializationException", "InvalidParameterValue", "InvalidParameterCombination",
            "MissingParameter", "MalformedQueryString");

    /** Error codes of transient server-side failures. */
    private static final Set<String> UNAVAILABLE_CODES = Set.of(
            "DependencyTimeoutException", "KeyUnavailableException", "KMSInternalException",
            "KmsInternalException", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
            "InternalServerError", "RequestTimeout", "RequestTimeoutException");

    private AwsErrorMapping() {
    }

    /**
     * @param operation the facade operation, for example {@code "unwrapDek"}
     * @param kek       how the KEK is named in the message (its id as given, or "A to B")
     * @param failure   what the SDK threw
     */
    static KmsException map(String operation, String kek, Throwable failure) {
        Reason reason = reasonFor(failure);
        return new KmsException(reason, operation + " with KEK " + kek + " failed: " + describe(failure), failure);
    }

    static Reason reasonFor(Throwable failure) {
        // Client-side timeouts are SdkClientExceptions too; test them first.
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return Reason.UNAVAILABLE;
        }
        if (failure instanceof AwsServiceException service) {
            return reasonForService(service);
        }
        if (failure instanceof SdkServiceException service) {
            return reasonForStatus(service.statusCode(), service.isThrottlingException());
        }
        if (failure instanceof SdkClientException) {
            // Connection refused, reset, closed, unknown host, read timeout: all I/O underneath.
            return hasIoCause(failure) ? Reason.UNAVAILABLE : Reason.BACKEND;
        }
        if (failure instanceof IOException || failure instanceof UncheckedIOException) {
            return Reason.UNAVAILABLE;
        }
        return Reason.BACKEND;
    }

    private static Reason reasonForService(AwsServiceException e) {
        if (e instanceof NotFoundException || e instanceof InvalidArnException) {
            return Reason.KEK_NOT_FOUND;
        }
        if (e instanceof DisabledException) {
            // KMS answers DisabledException for a disabled key; if its message says the key is
            // pending deletion we report that, which is the more specific (and final) state.
            return mentionsPendingDeletion(message(e)) ? Reason.KEK_PENDING_DELETION : Reason.KEK_DISABLED;
        }
        if (e instanceof KmsInvalidStateException) {
            return reasonForInvalidState(message(e));
        }
        if (e instanceof InvalidGrantTokenException) {
            return Reason.ACCESS_DENIED;
        }
        if (e instanceof InvalidCiphertextException || e instanceof IncorrectKeyException) {
            return Reason.UNWRAP_FAILED;
        }
        if (e instanceof InvalidKeyUsageException || e instanceof InvalidGrantIdException
                || e instanceof InvalidAliasNameException || e instanceof InvalidMarkerException
                || e instanceof software.amazon.awssdk.services.kms.model.UnsupportedOperationException) {
            return Reason.INVALID_INPUT;
        }
        if (e instanceof DependencyTimeoutException || e instanceof KeyUnavailableException
                || e instanceof KmsInternalException) {
            return Reason.UNAVAILABLE;
        }
        // Unmodelled codes arrive as the generic service exception: decide by code, then status.
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e.isThrottlingException()) {
            return Reason.THROTTLED;
        }
        if (code != null) {
            if (AUTH_CODES.contains(code)) {
                return Reason.ACCESS_DENIED;
            }
            if (INPUT_CODES.contains(code)) {
                return Reason.INVALID_INPUT;
            }
            if (UNAVAILABLE_CODES.contains(code)) {
                return Reason.UNAVAILABLE;
            }
            if (code.equals("NotFoundException") || code.equals("InvalidArnException")) {
                return Reason.KEK_NOT_FOUND;
            }
        }
        return reasonForStatus(e.statusCode(), false);
    }

    /**
     * KMSInvalidStateException says "the key is in a state that does not allow this". For the
     * facade's operations that is almost always PendingDeletion, so that is the default. The
     * message names the state when KMS gives one:
     * <ul>
     *   <li>pending deletion (including PendingReplicaDeletion): KEK_PENDING_DELETION;</li>
     *   <li>Creating, Updating, Unavailable (a disconnected custom key store): transient, so
     *       UNAVAILABLE (retryable);</li>
     *   <li>PendingImport (no key material yet) or Disabled: KEK_DISABLED, the key exists but
     *       cannot be used until an operator acts.</li>
     * </ul>
     */
    static Reason reasonForInvalidState(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (mentionsPendingDeletion(m)) {
            return Reason.KEK_PENDING_DELETION;
        }
        if (m.contains("unavailable") || m.contains("creating") || m.contains("updating")) {
            return Reason.UNAVAILABLE;
        }
        if (m.contains("pending import") || m.contains("pendingimport") || m.contains("disabled")) {
            return Reason.KEK_DISABLED;
        }
        return Reason.KEK_PENDING_DELETION;
    }

    private static boolean mentionsPendingDeletion(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        // "is not pending deletion" is what CancelKeyDeletion says about a live key.
        return (m.contains("pending deletion") || m.contains("pendingdeletion") || m.contains("pendingreplicadeletion"))
                && !m.contains("not pending deletion");
    }

    private static Reason reasonForStatus(int status, boolean throttling) {
        if (throttling || status == 429) {
            return Reason.THROTTLED;
        }
        if (status == 401 || status == 403) {
            return Reason.ACCESS_DENIED;
        }
        if (status >= 500 && status <= 599) {
            return Reason.UNAVAILABLE;
        }
        return Reason.BACKEND;
    }

    private static boolean hasIoCause(Throwable failure) {
        // Bounded walk: a cause chain can in principle be cyclic.
        Throwable t = failure.getCause();
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    private static String message(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    private static String describe(Throwable failure) {
        if (failure instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String text = truncate(message(e));
            return (code == null ? e.getClass().getSimpleName() : code) + " (HTTP " + e.statusCode()
                    + (e.requestId() == null ? "" : ", request " + e.requestId()) + ")"
                    + (text == null || text.isBlank() ? "" : ": " + text);
        }
        String text = truncate(failure.getMessage());
        return failure.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    }

    private static String truncate(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "...";
    }
}
