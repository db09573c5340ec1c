package dev.arkhe.kms.cli;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Where the keys live, the options every key command shares: a local store directory, or an
 * AWS KMS endpoint (such as a running {@code arkhe-kms serve}) reached with the AWS SDK's
 * default credentials.
 */
final class BackendOptions {

    /** The environment variable naming the default store directory. */
    static final String STORE_ENV = "ARKHE_KMS_STORE";

    @Option(names = "--store", paramLabel = "DIR",
            description = "Local KMS store directory (default: $" + STORE_ENV + ", else ~/.arkhe-kms/store).")
    Path store;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Use the AWS KMS API at this URL (e.g. a running 'arkhe-kms serve', http://127.0.0.1:4599)"
                    + " instead of a local store; credentials come from the AWS SDK's default chain"
                    + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles).")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "AWS region for --endpoint (default ${DEFAULT-VALUE}).")
    String region;

    /** The store directory to use. */
    Path storeDir() {
        if (store != null) {
            return store;
        }
        String env = System.getenv(STORE_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".arkhe-kms", "store");
    }

    /** Opens the local store; refuses when {@code --endpoint} is given. */
    LocalKmsBackend openLocal() throws CliFailure {
        if (endpoint != null) {
            throw CliFailure.badInput("this command works on a local store; --endpoint is not supported here");
        }
        Path dir = storeDir();
        try {
            return LocalKmsBackend.open(dir);
        } catch (KmsException e) {
            if (e.reason() == KmsException.Reason.UNAVAILABLE) {
                throw new CliFailure(CliFailure.BACKEND, "the local KMS store " + dir + " is in use by another process"
                        + " (is 'arkhe-kms serve' running on it?): " + e.getMessage());
            }
            throw CliFailure.of(e);
        }
    }

    /** The facade over the configured backend. */
    KmsBackend open() throws CliFailure {
        if (endpoint == null) {
            return openLocal();
        }
        if (store != null) {
            throw CliFailure.badInput("give either --store or --endpoint, not both");
        }
        try {
            return AwsKmsBackend.builder().region(region).endpoint(checkedEndpoint()).build();
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput(e.getMessage());
        }
    }

    /** An SDK client for {@code --endpoint}; the caller closes it. */
    KmsClient client() throws CliFailure {
        return KmsClient.builder()
                .endpointOverride(checkedEndpoint())
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private URI checkedEndpoint() throws CliFailure {
        String scheme = endpoint.getScheme();
        if (endpoint.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw CliFailure.badInput("--endpoint must be an http or https URL, got " + endpoint);
        }
        return endpoint;
    }

    /** Parses a KEK reference, as a bad-input failure when malformed. */
    static KekRef kek(String id) throws CliFailure {
        try {
            return KekRef.of(id);
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput(e.getMessage());
        }
    }
}
