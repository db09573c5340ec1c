package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ReEncryptRequest;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * What the backend sends and how it treats answers, against a scripted client: local checks
 * before any request, pinning, context and grant tokens, response validation, buffer wiping,
 * and AWS's ScheduleKeyDeletion behaviour that moto does not reproduce.
 */
class AwsKmsBackendRequestTest {

    private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID;
    private static final String OTHER_ARN = "arn:aws:kms:us-east-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab";
    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t-1"));
    private static final List<String> GRANTS = List.of("grant-token-1");

    private final FakeKmsClient fake = new FakeKmsClient();
    private final AwsKmsBackend backend = AwsKmsBackend.builder().kmsClient(fake).grantTokens(GRANTS).build();

    @ParameterizedTest
    @ValueSource(ints = {0, 64, 127, 192, 512})
    void generateDekRejectsOtherSizesBeforeAnyRequest(int bits) {
        assertReason(() -> backend.generateDek(KekRef.of(KEY_ID), bits, CTX), Reason.INVALID_INPUT);
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void grantTokenViewSendsItsOwnTokensAndStopsWhenTheParentCloses() throws Exception {
        fake.describeKey = r -> DescribeKeyResponse.builder().keyMetadata(KeyMetadata.builder().arn(ARN)
                .keyState(KeyState.ENABLED).creationDate(Instant.EPOCH).build()).build();
        AwsKmsBackend view = backend.withGrantTokens(List.of("per-call"));

        view.describeKek(KekRef.of(KEY_ID));
        assertThat(((software.amazon.awssdk.services.kms.model.DescribeKeyRequest) fake.requests.get(0))
                .grantTokens()).containsExactly("per-call");

        view.close(); // closing a view closes nothing
        backend.describeKek(KekRef.of(KEY_ID));
        assertThat(fake.requests).hasSize(2);

        backend.close();
        assertThatThrownBy(() -> view.describeKek(KekRef.of(KEY_ID))).isInstanceOf(IllegalStateException.class);
        assertThat(fake.requests).hasSize(2);
    }

    @Test
    void generateDekSendsKeySpecContextAndGrantTokensAndWipesTheSdkBuffer() throws Exception {
        byte[] sdkPlaintext = filled(16, 0x5a);
        fake.generateDataKey = r -> GenerateDataKeyResponse.builder().keyId(ARN)
                .plaintext(SdkBytes.fromByteArrayUnsafe(sdkPlaintext))
                .ciphertextBlob(SdkBytes.fromByteArray(filled(100, 1))).build();

        DataKey dk = backend.generateDek(KekRef.of("alias/app"), 128, CTX);

        GenerateDataKeyRequest sent = (GenerateDataKeyRequest) fake.requests.get(0);
        assertThat(sent.keyId()).isEqualTo("alias/app");
        assertThat(sent.keySpec()).isEqualTo(DataKeySpec.AES_128);
        assertThat(sent.encryptionContext()).isEqualTo(CTX.asMap());
        assertThat(sent.grantTokens()).isEqualTo(GRANTS);
        assertThat(dk.getEncoded()).isEqualTo(filled(16, 0x5a));
        assertThat(dk.kekArn()).isEqualTo(ARN);
        assertThat(sdkPlaintext).containsOnly(0);
    }

    @Test
    void generateDekRejectsAPlaintextOfTheWrongSize() {
        byte[] sdkPlaintext = filled(16, 0x5a);
        fake.generateDataKey = r -> GenerateDataKeyResponse.builder().keyId(ARN)
                .plaintext(SdkBytes.fromByteArrayUnsafe(sdkPlaintext))
                .ciphertextBlob(SdkBytes.fromByteArray(filled(100, 1))).build();

        assertReason(() -> backend.generateDek(KekRef.of(KEY_ID), 256, CTX), Reason.BACKEND);
        assertThat(sdkPlaintext).containsOnly(0);
    }

    @Test
    void wrapDekRejectsADestroyedKeyBeforeAnyRequest() {
        Dek dek = Dek.of(new byte[32]);
        dek.destroy();

        assertReason(() -> backend.wrapDek(dek, KekRef.of(KEY_ID), CTX), Reason.INVALID_INPUT);
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void wrapDekSendsContextAndGrantTokensAndWipesThePlaintextCopy() throws Exception {
        byte[][] sent = new byte[1][];
        fake.encrypt = r -> {
            sent[0] = r.plaintext().asByteArrayUnsafe();
            assertThat(sent[0]).containsOnly(7);
            return EncryptResponse.builder().keyId(ARN).ciphertextBlob(SdkBytes.fromByteArray(filled(90, 3))).build();
        };

        byte[] wrapped = backend.wrapDek(Dek.of(filled(32, 7)), KekRef.of(KEY_ID), CTX);

        EncryptRequest request = (EncryptRequest) fake.requests.get(0);
        assertThat(request.keyId()).isEqualTo(KEY_ID);
        assertThat(request.encryptionContext()).isEqualTo(CTX.asMap());
        assertThat(request.grantTokens()).isEqualTo(GRANTS);
        assertThat(wrapped).isEqualTo(filled(90, 3));
        assertThat(sent[0]).containsOnly(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 6145})
    void unwrapDekRejectsEmptyOrOversizedBlobsBeforeAnyRequest(int length) {
        assertReason(() -> backend.unwrapDek(new byte[length], KekRef.of(KEY_ID), CTX), Reason.UNWRAP_FAILED);
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void unwrapDekPinsTheKekAndSendsTheContextAndGrantTokens() throws Exception {
        byte[] sdkPlaintext = filled(32, 9);
        fake.decrypt = r -> DecryptResponse.builder().keyId(ARN).plaintext(SdkBytes.fromByteArrayUnsafe(sdkPlaintext))
                .build();

        Dek dek = backend.unwrapDek(filled(80, 2), KekRef.of(ARN), CTX);

        DecryptRequest request = (DecryptRequest) fake.requests.get(0);
        assertThat(request.keyId()).isEqualTo(ARN);
        assertThat(request.encryptionContext()).isEqualTo(CTX.asMap());
        assertThat(request.grantTokens()).isEqualTo(GRANTS);
        assertThat(request.ciphertextBlob().asByteArray()).isEqualTo(filled(80, 2));
        assertThat(dek.getEncoded()).isEqualTo(filled(32, 9));
        assertThat(dek.getAlgorithm()).isEqualTo("AES");
        assertThat(sdkPlaintext).containsOnly(0);
    }

    @Test
    void unwrapDekRejectsAnAnswerFromAnotherKeyWhenPinnedByArnOrKeyId() {
        byte[] sdkPlaintext = filled(32, 9);
        fake.decrypt = r -> DecryptResponse.builder().keyId(OTHER_ARN)
                .plaintext(SdkBytes.fromByteArrayUnsafe(sdkPlaintext)).build();

        assertReason(() -> backend.unwrapDek(filled(80, 2), KekRef.of(ARN), CTX), Reason.UNWRAP_FAILED);
        assertReason(() -> backend.unwrapDek(filled(80, 2), KekRef.of(KEY_ID), CTX), Reason.UNWRAP_FAILED);
        assertThat(sdkPlaintext).containsOnly(0);
    }

    @Test
    void unwrapDekAcceptsTheArnOfThePinnedKeyId() throws Exception {
        fake.decrypt = r -> DecryptResponse.builder().keyId(ARN).plaintext(SdkBytes.fromByteArray(filled(32, 9)))
                .build();

        assertThat(backend.unwrapDek(filled(80, 2), KekRef.of(KEY_ID), CTX).getEncoded()).isEqualTo(filled(32, 9));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4097})
    void unwrapDekRejectsAnUnwrappedKeyOutside1To4096Bytes(int length) {
        fake.decrypt = r -> DecryptResponse.builder().keyId(ARN).plaintext(SdkBytes.fromByteArray(new byte[length]))
                .build();

        assertReason(() -> backend.unwrapDek(filled(80, 2), KekRef.of(ARN), CTX), Reason.UNWRAP_FAILED);
    }

    @Test
    void rewrapDekPinsTheSourceKeyAndSendsTheContextOnBothSides() throws Exception {
        fake.reEncrypt = r -> ReEncryptResponse.builder().sourceKeyId(ARN).keyId(OTHER_ARN)
                .ciphertextBlob(SdkBytes.fromByteArray(filled(90, 4))).build();

        byte[] rewrapped = backend.rewrapDek(filled(80, 2), KekRef.of(ARN), KekRef.of(OTHER_ARN), CTX);

        ReEncryptRequest request = (ReEncryptRequest) fake.requests.get(0);
        assertThat(request.sourceKeyId()).isEqualTo(ARN);
        assertThat(request.destinationKeyId()).isEqualTo(OTHER_ARN);
        assertThat(request.sourceEncryptionContext()).isEqualTo(CTX.asMap());
        assertThat(request.destinationEncryptionContext()).isEqualTo(CTX.asMap());
        assertThat(request.grantTokens()).isEqualTo(GRANTS);
        assertThat(rewrapped).isEqualTo(filled(90, 4));
    }

    @Test
    void rewrapDekRejectsAnAnswerFromAnotherSourceKey() {
        fake.reEncrypt = r -> ReEncryptResponse.builder().sourceKeyId(OTHER_ARN).keyId(OTHER_ARN)
                .ciphertextBlob(SdkBytes.fromByteArray(filled(90, 4))).build();

        assertReason(() -> backend.rewrapDek(filled(80, 2), KekRef.of(ARN), KekRef.of(OTHER_ARN), CTX),
                Reason.UNWRAP_FAILED);
    }

    @Test
    void deleteKeySchedulesByKeyIdWithTheConfiguredWindowAndAttestsTheResponseArn() throws Exception {
        Instant date = Instant.parse("2030-01-02T03:04:05.678Z");
        fake.describeKey = r -> describe(KeyState.ENABLED, null);
        fake.scheduleKeyDeletion = r -> ScheduleKeyDeletionResponse.builder().keyId(ARN).deletionDate(date)
                .keyState(KeyState.PENDING_DELETION).pendingWindowInDays(r.pendingWindowInDays()).build();
        try (AwsKmsBackend tenDays = AwsKmsBackend.builder().kmsClient(fake).pendingWindowDays(10).build()) {
            KeyDeletionAttestation att = tenDays.deleteKey(KekRef.of("alias/app"));

            ScheduleKeyDeletionRequest request = (ScheduleKeyDeletionRequest) fake.requests.get(1);
            assertThat(request.keyId()).isEqualTo(KEY_ID);
            assertThat(request.pendingWindowInDays()).isEqualTo(10);
            assertThat(att).isEqualTo(KeyDeletionAttestation.unsigned(ARN, date));
        }
    }

    @Test
    void deleteKeyReturnsTheExistingDeletionWhenScheduleSaysInvalidState() throws Exception {
        // AWS refuses to schedule a key that is already pending deletion; a concurrent caller
        // can get there between our DescribeKey and ScheduleKeyDeletion.
        Instant existing = Instant.parse("2030-05-06T07:08:09Z");
        Deque<DescribeKeyResponse> answers = new ArrayDeque<>(List.of(
                describe(KeyState.ENABLED, null), describe(KeyState.PENDING_DELETION, existing)));
        fake.describeKey = r -> answers.removeFirst();
        fake.scheduleKeyDeletion = r -> {
            throw KmsInvalidStateException.builder().message(ARN + " is pending deletion.").statusCode(400).build();
        };

        KeyDeletionAttestation att = backend.deleteKey(KekRef.of(KEY_ID));

        assertThat(att).isEqualTo(KeyDeletionAttestation.unsigned(ARN, existing));
        assertThat(fake.requests).hasSize(3);
    }

    @Test
    void deleteKeyOnAKeyAlreadyPendingDeletionDoesNotScheduleAgain() throws Exception {
        Instant existing = Instant.parse("2030-05-06T07:08:09Z");
        fake.describeKey = r -> describe(KeyState.PENDING_DELETION, existing);

        KeyDeletionAttestation att = backend.deleteKey(KekRef.of(KEY_ID));

        assertThat(att).isEqualTo(KeyDeletionAttestation.unsigned(ARN, existing));
        assertThat(fake.requests).hasSize(1);
    }

    @Test
    void describeKekMapsStatesWithoutAContractCounterpartToDisabled() throws Exception {
        for (KeyState state : List.of(KeyState.PENDING_IMPORT, KeyState.UNAVAILABLE, KeyState.CREATING,
                KeyState.UPDATING)) {
            fake.describeKey = r -> describe(state, null);

            KekInfo info = backend.describeKek(KekRef.of(KEY_ID));

            assertThat(info.state()).as(state.toString()).isEqualTo(KekState.DISABLED);
            assertThat(info.deletionDate()).isEmpty();
        }
    }

    @Test
    void rotateKekRejectsANonEnabledStateAsDisabled() {
        fake.describeKey = r -> r.keyId().equals(KEY_ID) ? describe(KeyState.ENABLED, null)
                : DescribeKeyResponse.builder().keyMetadata(describe(KeyState.PENDING_IMPORT, null).keyMetadata()
                        .toBuilder().arn(OTHER_ARN).build()).build();

        assertReason(() -> backend.rotateKek(KekRef.of(KEY_ID), KekRef.of(OTHER_ARN)), Reason.KEK_DISABLED);
    }

    @Test
    void closeLeavesAnAdoptedClientOpen() {
        backend.close();

        assertThat(fake.closed).isFalse();
        assertThatThrownBy(() -> backend.describeKek(KekRef.of(KEY_ID))).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------------------------

    private static DescribeKeyResponse describe(KeyState state, Instant deletionDate) {
        return DescribeKeyResponse.builder().keyMetadata(KeyMetadata.builder().keyId(KEY_ID).arn(ARN)
                .creationDate(Instant.parse("2025-01-01T00:00:00Z")).keyState(state).deletionDate(deletionDate)
                .keySpec(KeySpec.SYMMETRIC_DEFAULT).keyUsage(KeyUsageType.ENCRYPT_DECRYPT).build()).build();
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, Reason reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
