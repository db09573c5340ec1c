package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.testing.LocalKms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/** {@code --require-auth}: the SDK with the right keys works; wrong, unknown or no credentials are refused. */
@LocalKms
class RequireAuthSdkTest {

    private static final String AK = "AKIAREQUIREAUTH00000";
    private static final String SK = "require-auth-secret";

    private static LocalKmsServer secured;

    @BeforeAll
    static void start(LocalKmsBackend backend) {
        secured = LocalKmsServer.builder(backend).port(0).requireAuth(AK, SK).start();
    }

    @AfterAll
    static void stop() {
        secured.close();
    }

    private static KmsClient client(AwsCredentialsProvider credentials) {
        return KmsClient.builder().endpointOverride(secured.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static KmsClient client(String ak, String sk) {
        return client(StaticCredentialsProvider.create(AwsBasicCredentials.create(ak, sk)));
    }

    @Test
    void acceptsTheRightCredentials() {
        try (KmsClient kms = client(AK, SK)) {
            String key = kms.createKey(r -> { }).keyMetadata().keyId();
            assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyId()).isEqualTo(key);
            assertThat(kms.listKeys().keys()).isNotEmpty();
        }
    }

    @Test
    void refusesWrongUnknownAndMissingCredentials() {
        try (KmsClient wrongSecret = client(AK, "wrong");
             KmsClient unknownKey = client("AKIANOTKNOWN00000000", SK);
             KmsClient anonymous = client(AnonymousCredentialsProvider.create())) {
            assertRefused(wrongSecret, "InvalidSignatureException");
            assertRefused(unknownKey, "UnrecognizedClientException");
            assertRefused(anonymous, "MissingAuthenticationTokenException");
        }
        try (KmsClient kms = client(AK, SK)) {
            assertThat(kms.listKeys().keys()).isNotNull(); // still serving
        }
    }

    private static void assertRefused(KmsClient kms, String errorCode) {
        assertThatThrownBy(kms::listKeys).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.statusCode()).isEqualTo(400);
        });
    }
}
