package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import dev.arkhe.kms.testsupport.FaultProxy;
import dev.arkhe.kms.testsupport.FaultProxy.Action;
import dev.arkhe.kms.testsupport.MotoServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Transport faults and request counts, through a loopback proxy in front of moto. Every
 * test has a hard timeout so that a hang fails instead of blocking the build.
 */
@ExtendWith(MotoServer.PerClass.class)
@Timeout(60)
class AwsKmsFaultTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t-9"));

    private static MotoServer moto;
    private static KekRef kek;
    private static KekRef otherKek;
    private FaultProxy proxy;

    @BeforeAll
    static void createKeys(MotoServer server) {
        moto = server;
        try (KmsClient plain = server.newClient()) {
            kek = KekRef.of(plain.createKey(r -> r.description("fault A")).keyMetadata().arn());
            otherKek = KekRef.of(plain.createKey(r -> r.description("fault B")).keyMetadata().keyId());
        }
    }

    @AfterAll
    static void forget() {
        moto = null;
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultProxy.start(moto.endpoint());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private AwsKmsBackend.Builder throughProxy() {
        return MotoServer.backendBuilder(proxy.endpoint());
    }

    @Test
    void generateWrapUnwrapRewrapAndDescribeEachMakeExactlyOneRequest() throws Exception {
        try (AwsKmsBackend backend = throughProxy().build()) {
            int before = proxy.requestCount();
            DataKey dk = backend.generateDek(kek, CTX);
            assertThat(proxy.requestCount() - before).as("generateDek").isEqualTo(1);

            before = proxy.requestCount();
            byte[] wrapped = backend.wrapDek(dk, kek, CTX);
            assertThat(proxy.requestCount() - before).as("wrapDek").isEqualTo(1);

            before = proxy.requestCount();
            Dek opened = backend.unwrapDek(wrapped, kek, CTX);
            assertThat(proxy.requestCount() - before).as("unwrapDek").isEqualTo(1);
            assertThat(opened.getEncoded()).isEqualTo(dk.getEncoded());

            before = proxy.requestCount();
            backend.rewrapDek(wrapped, kek, otherKek, CTX);
            assertThat(proxy.requestCount() - before).as("rewrapDek").isEqualTo(1);

            before = proxy.requestCount();
            backend.describeKek(kek);
            assertThat(proxy.requestCount() - before).as("describeKek").isEqualTo(1);
        }
    }

    @Test
    void rotateKekAndDeleteKeyMakeTheDocumentedNumberOfRequests() throws Exception {
        KekRef doomed;
        try (KmsClient plain = moto.newClient()) {
            doomed = KekRef.of(plain.createKey(r -> r.description("fault doomed")).keyMetadata().keyId());
        }
        try (AwsKmsBackend backend = throughProxy().build()) {
            int before = proxy.requestCount();
            backend.rotateKek(kek, otherKek);
            assertThat(proxy.requestCount() - before).as("rotateKek: two DescribeKey").isEqualTo(2);

            before = proxy.requestCount();
            backend.deleteKey(doomed);
            assertThat(proxy.requestCount() - before).as("deleteKey: DescribeKey, ScheduleKeyDeletion").isEqualTo(2);

            before = proxy.requestCount();
            backend.deleteKey(doomed);
            assertThat(proxy.requestCount() - before).as("deleteKey again: DescribeKey only").isEqualTo(1);
        }
    }

    @Test
    void throttledRequestsAreRetriedUntilTheCallsSucceed() throws Exception {
        // Every second request is throttled; the standard retry strategy backs off and retries.
        proxy.policy(n -> n % 2 == 0 ? Action.THROTTLE : Action.FORWARD);
        try (AwsKmsBackend backend = throughProxy().maxAttempts(4).build()) {
            for (int i = 0; i < 5; i++) {
                DataKey dk = backend.generateDek(kek, CTX);
                assertThat(backend.unwrapDek(dk.wrapped(), kek, CTX).getEncoded()).isEqualTo(dk.getEncoded());
            }
        }
        assertThat(proxy.requestCount()).as("some requests were throttled and retried").isGreaterThan(10);
    }

    @Test
    void persistentThrottlingFailsWithThrottledRetryable() {
        proxy.always(Action.THROTTLE);
        try (AwsKmsBackend backend = throughProxy().maxAttempts(2).build()) {
            KmsException e = catchThrowableOfType(KmsException.class, () -> backend.describeKek(kek));

            assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isNotNull();
            assertThat(proxy.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void aStalledServerFailsTheCallWithUnavailableWithinTheTimeout() {
        proxy.always(Action.STALL);
        try (AwsKmsBackend backend = throughProxy().apiCallTimeout(Duration.ofSeconds(1)).build()) {
            long start = System.nanoTime();
            KmsException e = catchThrowableOfType(KmsException.class,
                    () -> backend.wrapDek(Dek.of(new byte[32]), kek, CTX));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isNotNull();
            // A hang guard, not a performance test: the bound is generous.
            assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aStalledAttemptIsCutByTheAttemptTimeoutAndRetried() throws Exception {
        // The first attempt stalls; the attempt timeout ends it and the retry goes through.
        proxy.policy(n -> n == 1 ? Action.STALL : Action.FORWARD);
        try (AwsKmsBackend backend = throughProxy().apiCallAttemptTimeout(Duration.ofMillis(500)).maxAttempts(3)
                .build()) {
            long start = System.nanoTime();
            assertThat(backend.describeKek(kek).arn()).isEqualTo(kek.id());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(proxy.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void droppedConnectionsFailWithUnavailableRetryableAndTheCauseChained() {
        proxy.always(Action.DROP);
        try (AwsKmsBackend backend = throughProxy().maxAttempts(2).apiCallTimeout(Duration.ofSeconds(10)).build()) {
            KmsException e = catchThrowableOfType(KmsException.class, () -> backend.generateDek(kek, CTX));

            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
            assertThat(e.getMessage()).contains("generateDek").contains(kek.id());
            assertThat(proxy.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void aRefusedConnectionFailsWithUnavailable() {
        var endpoint = proxy.endpoint();
        proxy.close(); // nothing listens there any more
        try (AwsKmsBackend backend = MotoServer.backendBuilder(endpoint).maxAttempts(1).build()) {
            KmsException e = catchThrowableOfType(KmsException.class, () -> backend.describeKek(kek));

            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.getCause()).isNotNull();
        }
    }
}
