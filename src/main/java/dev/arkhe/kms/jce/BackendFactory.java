package dev.arkhe.kms.jce;

import dev.arkhe.kms.KmsBackend;
import java.security.ProviderException;
import java.util.List;

/** Builds the backend a configuration selects. TEMPORARY: filled in when the backends land. */
final class BackendFactory {

    private BackendFactory() {
    }

    static KmsBackend create(ProviderConfig config) {
        throw new ProviderException("ArkheKMS configuration " + config.source() + ": backend "
                + config.backend() + " is not available yet");
    }

    static boolean supportsGrantTokens(KmsBackend backend) {
        return false;
    }

    static KmsBackend withGrantTokens(KmsBackend backend, List<String> grantTokens) {
        return backend;
    }
}
