package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidGrantIdException;
import software.amazon.awssdk.services.kms.model.InvalidGrantTokenException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * One test per row of the design's error table: SDK exceptions, thrown by a fake client, come
 * out of the backend with the row's reason, its retryability, the SDK exception as the cause,
 * and a message naming the operation and the KEK.
 */
class AwsErrorMappingTest {

    private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final KekRef KEK = KekRef.of(KEY_ID);

    @Test
    void notFoundAndInvalidArnMapToKekNotFound() {
        assertMaps(NotFoundException.builder().message("Key 'x' does not exist")
                .awsErrorDetails(details("NotFoundException", "Key 'x' does not exist")).statusCode(400).build(),
                Reason.KEK_NOT_FOUND);
        assertMaps(InvalidArnException.builder().message("Invalid arn").statusCode(400).build(), Reason.KEK_NOT_FOUND);
    }

    @Test
    void disabledExceptionMapsToKekDisabled() {
        assertMaps(DisabledException.builder().awsErrorDetails(details("DisabledException",
                "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID + " is disabled.")).statusCode(400).build(),
                Reason.KEK_DISABLED);
    }

    @Test
    void invalidStateAndDisabledOnAPendingKeyMapToKekPendingDeletion() {
        assertMaps(KmsInvalidStateException.builder().awsErrorDetails(details("KMSInvalidStateException",
                "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID + " is pending deletion.")).statusCode(400).build(),
                Reason.KEK_PENDING_DELETION);
        // Without a message naming the state, pending deletion is the state that forbids crypto.
        assertMaps(KmsInvalidStateException.builder().statusCode(400).build(), Reason.KEK_PENDING_DELETION);
        assertMaps(DisabledException.builder().awsErrorDetails(details("DisabledException",
                "Key is pending deletion")).statusCode(400).build(), Reason.KEK_PENDING_DELETION);
    }

    @Test
    void invalidStateForOtherStatesMapsByTheStateNamed() {
        assertMaps(KmsInvalidStateException.builder().awsErrorDetails(details("KMSInvalidStateException",
                "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID + " is pending import.")).statusCode(400).build(),
                Reason.KEK_DISABLED);
        assertMaps(KmsInvalidStateException.builder().awsErrorDetails(details("KMSInvalidStateException",
                "key state Unavailable")).statusCode(400).build(), Reason.UNAVAILABLE);
    }

    @Test
    void accessDeniedUnrecognizedClientGrantTokenAndAuthFailuresMapToAccessDenied() {
        assertMaps(generic("AccessDeniedException", 400), Reason.ACCESS_DENIED);
        assertMaps(generic("UnrecognizedClientException", 400), Reason.ACCESS_DENIED);
        assertMaps(generic("InvalidSignatureException", 400), Reason.ACCESS_DENIED);
        assertMaps(generic("ExpiredTokenException", 400), Reason.ACCESS_DENIED);
        assertMaps(InvalidGrantTokenException.builder().message("bad grant").statusCode(400).build(),
                Reason.ACCESS_DENIED);
        assertMaps(generic("SomethingElse", 403), Reason.ACCESS_DENIED);
        assertMaps(generic(null, 401), Reason.ACCESS_DENIED);
    }

    @Test
    void invalidCiphertextAndIncorrectKeyMapToUnwrapFailed() {
        assertMaps(InvalidCiphertextException.builder().statusCode(400).build(), Reason.UNWRAP_FAILED);
        assertMaps(IncorrectKeyException.builder().message("The key ID in the request does not identify a CMK"
                + " that can perform this operation").statusCode(400).build(), Reason.UNWRAP_FAILED);
    }

    @Test
    void validationKeyUsageAndGrantIdErrorsMapToInvalidInput() {
        assertMaps(generic("ValidationException", 400), Reason.INVALID_INPUT);
        assertMaps(InvalidKeyUsageException.builder().statusCode(400).build(), Reason.INVALID_INPUT);
        assertMaps(InvalidGrantIdException.builder().statusCode(400).build(), Reason.INVALID_INPUT);
    }

    @Test
    void throttlingAndHttp429MapToThrottled() {
        assertMaps(generic("ThrottlingException", 400), Reason.THROTTLED);
        assertMaps(generic("SomethingElse", 429), Reason.THROTTLED);
        assertMaps(generic("RequestLimitExceeded", 400), Reason.THROTTLED);
    }

    @Test
    void timeoutsConnectionErrorsAndServerFailuresMapToUnavailable() {
        assertMaps(ApiCallTimeoutException.builder().message("Client execution did not complete before the"
                + " specified timeout configuration: 1000 millis").build(), Reason.UNAVAILABLE);
        assertMaps(ApiCallAttemptTimeoutException.builder().message("HTTP request execution did not complete before"
                + " the specified timeout configuration: 500 millis").build(), Reason.UNAVAILABLE);
        assertMaps(SdkClientException.builder().message("Unable to execute HTTP request: Connection refused")
                .cause(new ConnectException("Connection refused")).build(), Reason.UNAVAILABLE);
        assertMaps(SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new RuntimeException("wrapper", new SocketException("Connection reset"))).build(),
                Reason.UNAVAILABLE);
        assertMaps(DependencyTimeoutException.builder().statusCode(503).build(), Reason.UNAVAILABLE);
        assertMaps(KeyUnavailableException.builder().statusCode(500).build(), Reason.UNAVAILABLE);
        assertMaps(KmsInternalException.builder().statusCode(500).build(), Reason.UNAVAILABLE);
        assertMaps(generic("ServiceUnavailable", 503), Reason.UNAVAILABLE);
        assertMaps(generic(null, 502), Reason.UNAVAILABLE);
    }

    @Test
    void anythingElseMapsToBackendWithTheCauseChained() {
        assertMaps(LimitExceededException.builder().statusCode(400).build(), Reason.BACKEND);
        assertMaps(generic("SomethingNew", 400), Reason.BACKEND);
        assertMaps(SdkClientException.builder().message("Unable to load credentials").build(), Reason.BACKEND);
        assertMaps(new IllegalArgumentException("unexpected"), Reason.BACKEND);
    }

    @Test
    void everyOperationMapsItsFailures() {
        RuntimeException failure = NotFoundException.builder().statusCode(400).build();
        FakeKmsClient fake = new FakeKmsClient().failingWith(failure);
        try (AwsKmsBackend backend = AwsKmsBackend.wrapping(fake)) {
            KekRef other = KekRef.of("alias/other");
            assertFails(() -> backend.generateDek(KEK), "generateDek", failure);
            assertFails(() -> backend.wrapDek(Dek.of(new byte[32]), KEK), "wrapDek", failure);
            assertFails(() -> backend.unwrapDek(new byte[40], KEK), "unwrapDek", failure);
            assertFails(() -> backend.rewrapDek(new byte[40], KEK, other), "rewrapDek", failure);
            assertFails(() -> backend.deleteKey(KEK), "deleteKey", failure);
            assertFails(() -> backend.rotateKek(KEK, other), "rotateKek", failure);
            assertFails(() -> backend.describeKek(KEK), "describeKek", failure);
        }
    }

    // ------------------------------------------------------------------------------------

    interface Call {
        void run() throws Exception;
    }

    private static void assertFails(Call call, String operation, Throwable cause) {
        KmsException e = catchThrowableOfType(KmsException.class, call::run);
        assertThat(e).as(operation).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.KEK_NOT_FOUND);
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.getMessage()).startsWith(operation + " with KEK ").contains(KEY_ID);
    }

    /** Runs an unwrap (which can hit every row) against a client that throws {@code failure}. */
    private static void assertMaps(RuntimeException failure, Reason expected) {
        FakeKmsClient fake = new FakeKmsClient().failingWith(failure);
        try (AwsKmsBackend backend = AwsKmsBackend.wrapping(fake)) {
            KmsException e = catchThrowableOfType(KmsException.class,
                    () -> backend.unwrapDek(new byte[64], KEK));

            assertThat(e).as("no KmsException for %s", failure).isNotNull();
            assertThat(e.reason()).as("reason for %s", failure).isEqualTo(expected);
            assertThat(e.retryable()).isEqualTo(expected == Reason.THROTTLED || expected == Reason.UNAVAILABLE);
            assertThat(e.getCause()).isSameAs(failure);
            assertThat(e.getMessage()).startsWith("unwrapDek with KEK " + KEY_ID + " failed: ");
            assertThat(fake.requests).hasSize(1);
        }
    }

    private static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Kms").build();
    }

    /** What the SDK builds for an error code the KMS model does not name. */
    private static AwsServiceException generic(String code, int status) {
        return software.amazon.awssdk.services.kms.model.KmsException.builder()
                .awsErrorDetails(details(code, code == null ? null : "message for " + code))
                .statusCode(status).build();
    }

}
