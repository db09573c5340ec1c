package dev.arkhe.kms.server;

/**
 * The AWS KMS error types this endpoint answers with, and their HTTP status codes.
 *
 * <p>Status codes of the modelled errors come from {@code smithy.api#httpError} in the KMS
 * service model ({@code ../shared/reference/kms-smithy-model.json}). The protocol-level
 * errors (serialization, unknown operation, validation, authentication) are not in the
 * model; AWS answers them with 400, and so do we.
 */
enum AwsErrorType {
    // Protocol and authentication errors common to AWS JSON services.
    SERIALIZATION("SerializationException", 400),
    UNKNOWN_OPERATION("UnknownOperationException", 400),
    VALIDATION("ValidationException", 400),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException", 400),
    INCOMPLETE_SIGNATURE("IncompleteSignatureException", 400),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400),
    INVALID_SIGNATURE("InvalidSignatureException", 400),
    ACCESS_DENIED("AccessDeniedException", 400),
    THROTTLING("ThrottlingException", 400),
    // Modelled KMS errors.
    NOT_FOUND("NotFoundException", 404),
    DISABLED("DisabledException", 409),
    INVALID_STATE("KMSInvalidStateException", 409),
    ALREADY_EXISTS("AlreadyExistsException", 409),
    INCORRECT_KEY("IncorrectKeyException", 400),
    INVALID_CIPHERTEXT("InvalidCiphertextException", 400),
    INVALID_ARN("InvalidArnException", 400),
    INVALID_ALIAS_NAME("InvalidAliasNameException", 400),
    INVALID_MARKER("InvalidMarkerException", 400),
    INVALID_KEY_USAGE("InvalidKeyUsageException", 400),
    INVALID_GRANT_TOKEN("InvalidGrantTokenException", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400),
    UNSUPPORTED_OPERATION("UnsupportedOperationException", 400),
    DRY_RUN_OPERATION("DryRunOperationException", 412),
    KEY_UNAVAILABLE("KeyUnavailableException", 500),
    INTERNAL("KMSInternalException", 500),
    DEPENDENCY_TIMEOUT("DependencyTimeoutException", 503);

    private final String wireName;
    private final int httpStatus;

    AwsErrorType(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    /** The {@code __type} value on the wire, e.g. {@code NotFoundException}. */
    String wireName() {
        return wireName;
    }

    /** The HTTP status code AWS answers this error with. */
    int httpStatus() {
        return httpStatus;
    }
}
