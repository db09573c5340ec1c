package dev.arkhe.kms.jce;

import dev.arkhe.kms.KmsException;
import java.security.InvalidKeyException;
import java.security.ProviderException;

/**
 * Translates {@link KmsException}s into the exceptions the JCE API declares: transient
 * failures (throttling, unavailability) become {@link ProviderException}, since retrying the
 * same call may work; everything else about a key becomes {@link InvalidKeyException}. The
 * {@code KmsException} is always the cause.
 */
final class JceFailures {

    private JceFailures() {
    }

    static InvalidKeyException keyFailure(String operation, KmsException e) {
        if (e.retryable()) {
            throw transientFailure(operation, e);
        }
        return new InvalidKeyException("KmsKeyWrap " + operation + " failed (" + e.reason() + "): " + e.getMessage(),
                e);
    }

    static ProviderException transientFailure(String operation, KmsException e) {
        return new ProviderException("KMS " + operation + " failed (" + e.reason() + ", retryable): "
                + e.getMessage(), e);
    }

    static ProviderException generatorFailure(KmsException e) {
        return new ProviderException("KmsDataKey generateKey failed (" + e.reason()
                + (e.retryable() ? ", retryable" : "") + "): " + e.getMessage(), e);
    }
}
