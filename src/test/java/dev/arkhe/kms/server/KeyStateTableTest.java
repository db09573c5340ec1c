package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.testing.LocalKms;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;

/** The key-state table of DESIGN.md, operation by operation, through the AWS SDK. */
@LocalKms
class KeyStateTableTest {

    /** One operation on a key, with a blob the key encrypted while enabled and a second, enabled key. */
    private interface Op {
        void run(KmsClient kms, String key, SdkBytes blob, String otherKey);
    }

    private static final String OK = "ok";

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        row(rows, "Encrypt", (k, key, blob, other) -> k.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("x"))),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "Decrypt", (k, key, blob, other) -> k.decrypt(r -> r.ciphertextBlob(blob)),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "Decrypt with KeyId", (k, key, blob, other) -> k.decrypt(r -> r.ciphertextBlob(blob).keyId(key)),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "GenerateDataKey", (k, key, blob, other) -> k.generateDataKey(r -> r.keyId(key).keySpec(DataKeySpec.AES_256)),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "GenerateDataKeyWithoutPlaintext",
                (k, key, blob, other) -> k.generateDataKeyWithoutPlaintext(r -> r.keyId(key).numberOfBytes(32)),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "ReEncrypt from", (k, key, blob, other) -> k.reEncrypt(r -> r.ciphertextBlob(blob).destinationKeyId(other)),
                OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "ReEncrypt to", (k, key, blob, other) -> {
            SdkBytes fromOther = k.encrypt(r -> r.keyId(other).plaintext(SdkBytes.fromUtf8String("y"))).ciphertextBlob();
            k.reEncrypt(r -> r.ciphertextBlob(fromOther).destinationKeyId(key));
        }, OK, "DisabledException", "KMSInvalidStateException");
        row(rows, "ScheduleKeyDeletion", (k, key, blob, other) -> k.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7)),
                OK, OK, "KMSInvalidStateException");
        row(rows, "CancelKeyDeletion", (k, key, blob, other) -> k.cancelKeyDeletion(r -> r.keyId(key)),
                "KMSInvalidStateException", "KMSInvalidStateException", OK);
        row(rows, "EnableKey", (k, key, blob, other) -> k.enableKey(r -> r.keyId(key)),
                OK, OK, "KMSInvalidStateException");
        row(rows, "DisableKey", (k, key, blob, other) -> k.disableKey(r -> r.keyId(key)),
                OK, OK, "KMSInvalidStateException");
        row(rows, "DescribeKey", (k, key, blob, other) -> k.describeKey(r -> r.keyId(key)), OK, OK, OK);
        return rows.stream();
    }

    private static void row(List<Arguments> rows, String name, Op op, String enabled, String disabled, String pending) {
        rows.add(Arguments.of(name, KeyState.ENABLED, op, enabled));
        rows.add(Arguments.of(name, KeyState.DISABLED, op, disabled));
        rows.add(Arguments.of(name, KeyState.PENDING_DELETION, op, pending));
    }

    @ParameterizedTest(name = "{0} on a {1} key: {3}")
    @MethodSource("table")
    void keyStateTable(String name, KeyState state, Op op, String expected, KmsClient kms) {
        String key = kms.createKey(r -> r.description("state " + state)).keyMetadata().keyId();
        String other = kms.createKey(r -> r.description("other")).keyMetadata().keyId();
        SdkBytes blob = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("data"))).ciphertextBlob();
        if (state == KeyState.DISABLED) {
            kms.disableKey(r -> r.keyId(key));
        } else if (state == KeyState.PENDING_DELETION) {
            kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));
        }
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(state);
        if (expected.equals(OK)) {
            assertThatCode(() -> op.run(kms, key, blob, other)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> op.run(kms, key, blob, other))
                    .isInstanceOfSatisfying(KmsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(expected);
                        assertThat(e.statusCode()).isEqualTo(409);
                    });
        }
    }
}
