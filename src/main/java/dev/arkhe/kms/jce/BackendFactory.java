package dev.arkhe.kms.jce;

import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;

/**
 * Builds the backend that a {@link ProviderConfig} selects. Called on the provider's first
 * use, never from a constructor or {@code configure}: building the local backend opens and
 * locks its store, and the AWS backend, although it makes no call while being built, reads
 * credentials configuration.
 */
final class BackendFactory {

    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";

    private BackendFactory() {
    }

    /** @throws ProviderException naming the configuration source, with the cause */
    static KmsBackend create(ProviderConfig config) {
        PrivateKey signingKey = config.signingKey().map(p -> loadSigningKey(config, p)).orElse(null);
        try {
            return switch (config.backend()) {
                case LOCAL -> createLocal(config, signingKey);
                case AWS -> createAws(config, signingKey);
            };
        } catch (KmsException e) {
            throw new ProviderException("ArkheKMS configuration " + config.source() + ": cannot open the "
                    + config.backend().name().toLowerCase(java.util.Locale.ROOT) + " backend (" + e.reason() + "): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ProviderException("ArkheKMS configuration " + config.source() + ": cannot build the "
                    + config.backend().name().toLowerCase(java.util.Locale.ROOT) + " backend: " + e.getMessage(), e);
        }
    }

    private static KmsBackend createLocal(ProviderConfig config, PrivateKey signingKey) throws KmsException {
        LocalKmsBackend.Builder builder = LocalKmsBackend.builder(config.localStore());
        config.pendingWindowDays().ifPresent(builder::pendingWindowDays);
        if (signingKey != null) {
            builder.attestationSigningKey(signingKey);
        }
        return builder.build();
    }

    private static KmsBackend createAws(ProviderConfig config, PrivateKey signingKey) {
        AwsKmsBackend.Builder builder = AwsKmsBackend.builder();
        config.awsRegion().ifPresent(builder::region);
        config.awsEndpoint().ifPresent(builder::endpoint);
        config.awsProfile().ifPresent(profile -> builder.credentialsProvider(
                ProfileCredentialsProvider.builder().profileName(profile).build()));
        config.awsMaxAttempts().ifPresent(builder::maxAttempts);
        config.awsApiCallTimeout().ifPresent(builder::apiCallTimeout);
        config.pendingWindowDays().ifPresent(builder::pendingWindowDays);
        if (signingKey != null) {
            builder.attestationSigningKey(signingKey);
        }
        return builder.build();
    }

    /** Reads a PKCS#8 Ed25519 private key, PEM or DER; the file's bytes are wiped after use. */
    private static PrivateKey loadSigningKey(ProviderConfig config, Path file) {
        byte[] raw = null;
        byte[] der = null;
        try {
            raw = Files.readAllBytes(file);
            String text = new String(raw, StandardCharsets.US_ASCII);
            int begin = text.indexOf(PEM_BEGIN);
            if (begin >= 0) {
                int end = text.indexOf(PEM_END, begin);
                if (end < 0) {
                    throw new ProviderException("ArkheKMS configuration " + config.source() + ": attestation signing"
                            + " key " + file + " has no " + PEM_END + " line");
                }
                der = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end));
            } else {
                der = raw.clone();
            }
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ProviderException("ArkheKMS configuration " + config.source() + ": attestation signing key "
                    + file + " is not a readable PKCS#8 Ed25519 private key (PEM or DER)", e);
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
            if (der != null) {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    static boolean supportsGrantTokens(KmsBackend backend) {
        return backend instanceof AwsKmsBackend;
    }

    /** The same backend, sending {@code grantTokens} with each call where the backend supports them. */
    static KmsBackend withGrantTokens(KmsBackend backend, List<String> grantTokens) {
        if (grantTokens.isEmpty() || !(backend instanceof AwsKmsBackend aws)) {
            return backend;
        }
        return aws.withGrantTokens(grantTokens);
    }
}
