package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Configuration checks, and that building a backend touches no network. */
class AwsKmsBackendBuilderTest {

    private static final StaticCredentialsProvider CREDS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    @Test
    void buildingPerformsNoNetworkIoAndTheFirstCallDoes() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        connections.incrementAndGet();
                        s.close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            AwsKmsBackend backend = AwsKmsBackend.builder().region("eu-central-1")
                    .endpoint(URI.create("http://127.0.0.1:" + listener.getLocalPort()))
                    .credentialsProvider(CREDS).maxAttempts(1).apiCallTimeout(Duration.ofSeconds(5)).build();
            try {
                Thread.sleep(200);
                assertThat(connections).hasValue(0);

                assertThatThrownBy(() -> backend.describeKek(KekRef.of("alias/x")))
                        .isInstanceOfSatisfying(KmsException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
                assertThat(connections).hasPositiveValue();
            } finally {
                backend.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 6, 31, 365})
    void pendingWindowOutside7To30DaysIsRejected(int days) {
        assertThatThrownBy(() -> AwsKmsBackend.builder().pendingWindowDays(days))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 to 30");
    }

    @Test
    void pendingWindowBoundsAreAccepted() {
        AwsKmsBackend.builder().pendingWindowDays(7).pendingWindowDays(30);
    }

    @Test
    void aSigningKeyThatIsNotEd25519IsRejectedAtBuild() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        var ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate();

        for (var key : List.of(rsa, ed448)) {
            assertThatThrownBy(() -> AwsKmsBackend.builder().kmsClient(new FakeKmsClient())
                    .attestationSigningKey(key).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
        }
    }

    @Test
    void invalidRetryAndTimeoutSettingsAreRejected() {
        assertThatThrownBy(() -> AwsKmsBackend.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsKmsBackend.builder().apiCallTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsKmsBackend.builder().apiCallAttemptTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsKmsBackend.builder().region(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsKmsBackend.builder().grantTokens(Collections.nCopies(11, "t")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAdoptedClientCannotBeCombinedWithClientSettings() {
        assertThatThrownBy(() -> AwsKmsBackend.builder().kmsClient(new FakeKmsClient()).region("us-east-1").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AwsKmsBackend.builder().kmsClient(new FakeKmsClient()).maxAttempts(2).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingABackendThatBuiltItsClientMakesItUnusable() {
        AwsKmsBackend backend = AwsKmsBackend.builder().region("us-east-1").credentialsProvider(CREDS).build();
        backend.close();

        assertThatThrownBy(() -> backend.describeKek(KekRef.of("alias/x"))).isInstanceOf(IllegalStateException.class);
    }
}
