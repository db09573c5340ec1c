package dev.arkhe.kms.jce;

import dev.arkhe.kms.KekRef;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed provider configuration. Every value was validated by {@link ProviderConfigParser};
 * nothing here touches the network or the key store.
 *
 * @param source            where the configuration came from (a file path or {@code <inline>}), for messages
 * @param name              the {@code name} suffix: the provider is then called {@code ArkheKMS-<name>}
 * @param backend           which backend to build
 * @param awsRegion         {@code aws.region}
 * @param awsEndpoint       {@code aws.endpoint}
 * @param awsProfile        {@code aws.profile}: a named profile of the shared AWS config files
 * @param awsMaxAttempts    {@code aws.maxAttempts}
 * @param awsApiCallTimeout {@code aws.apiCallTimeout}
 * @param localStore        {@code local.store}; defaults to {@code ~/.arkhe-kms}
 * @param defaultKek        {@code kek.default}: the KEK that {@code KeyGenerator.init(int)} uses
 * @param pendingWindowDays {@code deletion.pendingWindowDays}, 7..30
 * @param signingKey        {@code attestation.signingKey}: a PKCS#8 Ed25519 private key file (PEM or DER)
 */
record ProviderConfig(String source, Optional<String> name, BackendKind backend,
                      Optional<String> awsRegion, Optional<URI> awsEndpoint, Optional<String> awsProfile,
                      OptionalInt awsMaxAttempts, Optional<Duration> awsApiCallTimeout,
                      Path localStore, Optional<KekRef> defaultKek, OptionalInt pendingWindowDays,
                      Optional<Path> signingKey) {

    /** The backends a configuration can select. */
    enum BackendKind { LOCAL, AWS }

    /** The configuration of a provider nobody configured: the embedded backend in {@code ~/.arkhe-kms}. */
    static ProviderConfig defaults() {
        return new ProviderConfig("<default>", Optional.empty(), BackendKind.LOCAL, Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), defaultLocalStore(),
                Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    static Path defaultLocalStore() {
        return Path.of(System.getProperty("user.home"), ".arkhe-kms");
    }
}
