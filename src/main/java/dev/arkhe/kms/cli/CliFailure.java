package dev.arkhe.kms.cli;

import dev.arkhe.kms.KmsException;

/**
 * A failure the command line reports with a message and a distinct exit code (see
 * {@link ArkheKmsCli}). Messages name keys and files, never key material.
 */
final class CliFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Bad input: options, files, ids, blobs (picocli uses 2 for usage errors too). */
    static final int BAD_INPUT = 2;
    /** The KEK does not exist. */
    static final int KEY_NOT_FOUND = 3;
    /** The KMS refused or failed: key disabled or pending deletion, access denied, store or network trouble. */
    static final int BACKEND = 4;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    static CliFailure badInput(String message) {
        return new CliFailure(BAD_INPUT, message);
    }

    /** The exit code for a backend failure: not found 3, bad input or an unopenable blob 2, else 4. */
    static CliFailure of(KmsException e) {
        int code = switch (e.reason()) {
            case KEK_NOT_FOUND -> KEY_NOT_FOUND;
            case INVALID_INPUT, UNWRAP_FAILED -> BAD_INPUT;
            default -> BACKEND;
        };
        return new CliFailure(code, e.getMessage() + " [" + e.reason() + (e.retryable() ? ", retryable" : "") + "]");
    }
}
