package dev.arkhe.kms.server;

import java.util.Objects;

/**
 * A request failed with an AWS error: the server answers it with the error's HTTP status and
 * {@code {"__type": ..., "message": ...}}. Messages go to the client, so they name ids and
 * limits, never key material.
 */
final class KmsRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final AwsErrorType type;

    KmsRequestException(AwsErrorType type, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.type = Objects.requireNonNull(type, "type");
    }

    AwsErrorType type() {
        return type;
    }

    static KmsRequestException validation(String message) {
        return new KmsRequestException(AwsErrorType.VALIDATION, message);
    }

    static KmsRequestException serialization(String message) {
        return new KmsRequestException(AwsErrorType.SERIALIZATION, message);
    }
}
