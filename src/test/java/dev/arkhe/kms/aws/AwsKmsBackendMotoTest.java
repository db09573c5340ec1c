package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.DekId;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import dev.arkhe.kms.SignatureClass;
import dev.arkhe.kms.testsupport.MotoServer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/** Every facade operation against moto, with each form of KEK name and with and without a context. */
@ExtendWith(MotoServer.PerClass.class)
class AwsKmsBackendMotoTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t-42", "purpose", "test"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private static MotoServer moto;
    private static KmsClient plain;
    private static AwsKmsBackend backend;
    private static KeyMetadata keyA;
    private static KeyMetadata keyB;
    private static String aliasA;

    @BeforeAll
    static void setUp(MotoServer server) {
        moto = server;
        plain = server.newClient();
        backend = newBackend().build();
        keyA = createKey();
        keyB = createKey();
        aliasA = "alias/arkhe-a-" + UUID.randomUUID();
        plain.createAlias(r -> r.aliasName(aliasA).targetKeyId(keyA.keyId()));
    }

    @AfterAll
    static void tearDown() {
        if (backend != null) {
            backend.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    static AwsKmsBackend.Builder newBackend() {
        return moto.backendBuilder();
    }

    static KeyMetadata createKey() {
        return plain.createKey(r -> r.description("arkhe test")).keyMetadata();
    }

    /** The four ways to name key A. */
    static Stream<Arguments> namesOfA() {
        String aliasArn = keyA.arn().replace(":key/" + keyA.keyId(), ":" + aliasA);
        return Stream.of(
                Arguments.of("key id", KekRef.of(keyA.keyId())),
                Arguments.of("key ARN", KekRef.of(keyA.arn())),
                Arguments.of("alias name", KekRef.of(aliasA)),
                Arguments.of("alias ARN", KekRef.of(aliasArn)));
    }

    /** Each name of key A, with the empty and a non-empty context. */
    static Stream<Arguments> namesOfAWithContexts() {
        return namesOfA().flatMap(a -> Stream.of(
                Arguments.of(a.get()[0], a.get()[1], EncryptionContext.empty()),
                Arguments.of(a.get()[0], a.get()[1], CTX)));
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("namesOfAWithContexts")
    void generatedDataKeyUnwrapsToTheSamePlaintextAndReportsTheKeyArn(String form, KekRef kek, EncryptionContext ctx)
            throws Exception {
        DataKey dk = backend.generateDek(kek, ctx);

        assertThat(dk.length()).isEqualTo(32);
        assertThat(dk.kekArn()).isEqualTo(keyA.arn());
        assertThat(dk.context()).isEqualTo(ctx);
        assertThat(dk.dekId()).isEqualTo(DekId.of(dk.wrapped()));
        Dek opened = backend.unwrapDek(dk.wrapped(), kek, ctx);
        assertThat(opened.getEncoded()).isEqualTo(dk.getEncoded());
        assertThat(opened.getAlgorithm()).isEqualTo("AES");
    }

    @Test
    void generateDek128BitsReturnsA16ByteKey() throws Exception {
        DataKey dk = backend.generateDek(KekRef.of(keyA.keyId()), 128, CTX);

        assertThat(dk.length()).isEqualTo(16);
        assertThat(backend.unwrapDek(dk.wrapped(), KekRef.of(keyA.keyId()), CTX).getEncoded())
                .isEqualTo(dk.getEncoded());
    }

    @Test
    void generatedKeysDiffer() throws Exception {
        KekRef kek = KekRef.of(keyA.arn());
        assertThat(backend.generateDek(kek).getEncoded()).isNotEqualTo(backend.generateDek(kek).getEncoded());
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("namesOfAWithContexts")
    void wrappedKeyUnwrapsToTheSameBytes(String form, KekRef kek, EncryptionContext ctx) throws Exception {
        Dek dek = Dek.of(randomBytes(32));

        byte[] wrapped = backend.wrapDek(dek, kek, ctx);

        assertThat(wrapped).isNotEmpty();
        assertThat(backend.unwrapDek(wrapped, kek, ctx)).isEqualTo(dek);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 4096})
    void wrapAcceptsAnyLengthKmsAccepts(int length) throws Exception {
        Dek dek = Dek.of(randomBytes(length), "HmacSHA256");
        KekRef kek = KekRef.of(keyA.keyId());

        byte[] wrapped = backend.wrapDek(dek, kek, CTX);

        assertThat(backend.unwrapDek(wrapped, kek, CTX).getEncoded()).isEqualTo(dek.getEncoded());
    }

    @Test
    void unwrapWithAnotherContextFailsWithUnwrapFailed() throws Exception {
        KekRef kek = KekRef.of(keyA.keyId());
        byte[] wrapped = backend.wrapDek(Dek.of(randomBytes(32)), kek, CTX);

        assertReason(() -> backend.unwrapDek(wrapped, kek, EncryptionContext.of(Map.of("tenant", "t-43"))),
                Reason.UNWRAP_FAILED);
        assertReason(() -> backend.unwrapDek(wrapped, kek, EncryptionContext.empty()), Reason.UNWRAP_FAILED);
    }

    @Test
    void unwrapOfATamperedBlobFailsWithUnwrapFailed() throws Exception {
        KekRef kek = KekRef.of(keyA.keyId());
        byte[] wrapped = backend.wrapDek(Dek.of(randomBytes(32)), kek, CTX);
        wrapped[wrapped.length - 5] ^= 0x01;

        assertReason(() -> backend.unwrapDek(wrapped, kek, CTX), Reason.UNWRAP_FAILED);
    }

    @Test
    void unwrapUnderAnotherKekNeverReturnsThePlaintext() throws Exception {
        byte[] wrapped = backend.wrapDek(Dek.of(randomBytes(32)), KekRef.of(keyA.keyId()), CTX);

        KmsException e = catchThrowableOfType(KmsException.class,
                () -> backend.unwrapDek(wrapped, KekRef.of(keyB.arn()), CTX));

        // AWS answers IncorrectKeyException (UNWRAP_FAILED); moto answers AccessDeniedException
        // for a wrong KeyId (see DESIGN.md), which the mapping reports as ACCESS_DENIED.
        assertThat(e.reason()).isIn(Reason.UNWRAP_FAILED, Reason.ACCESS_DENIED);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void unknownKeyFailsWithKekNotFound() {
        KekRef missing = KekRef.of(UUID.randomUUID().toString());
        KekRef missingAlias = KekRef.of("alias/arkhe-missing-" + UUID.randomUUID());

        assertReason(() -> backend.generateDek(missing), Reason.KEK_NOT_FOUND);
        assertReason(() -> backend.wrapDek(Dek.of(randomBytes(16)), missingAlias), Reason.KEK_NOT_FOUND);
        assertReason(() -> backend.describeKek(missing), Reason.KEK_NOT_FOUND);
        assertReason(() -> backend.deleteKey(missingAlias), Reason.KEK_NOT_FOUND);
    }

    @ParameterizedTest(name = "from {0}, {2}")
    @MethodSource("namesOfAWithContexts")
    void rewrappedKeyOpensUnderTheNewKekOnly(String form, KekRef from, EncryptionContext ctx) throws Exception {
        Dek dek = Dek.of(randomBytes(32));
        byte[] wrapped = backend.wrapDek(dek, from, ctx);
        KekRef to = KekRef.of(keyB.arn());

        byte[] rewrapped = backend.rewrapDek(wrapped, from, to, ctx);

        assertThat(rewrapped).isNotEqualTo(wrapped);
        assertThat(backend.unwrapDek(rewrapped, to, ctx)).isEqualTo(dek);
        assertThatThrownBy(() -> backend.unwrapDek(rewrapped, KekRef.of(keyA.arn()), ctx))
                .isInstanceOf(KmsException.class);
    }

    @Test
    void rewrapWithAnotherContextFailsWithUnwrapFailed() throws Exception {
        byte[] wrapped = backend.wrapDek(Dek.of(randomBytes(32)), KekRef.of(keyA.keyId()), CTX);

        assertReason(() -> backend.rewrapDek(wrapped, KekRef.of(keyA.keyId()), KekRef.of(keyB.keyId()),
                EncryptionContext.empty()), Reason.UNWRAP_FAILED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namesOfA")
    void describeKekReportsTheArnStateAndCreationDate(String form, KekRef kek) throws Exception {
        KekInfo info = backend.describeKek(kek);

        assertThat(info.arn()).isEqualTo(keyA.arn());
        assertThat(info.state()).isEqualTo(KekState.ENABLED);
        assertThat(info.creationDate()).isCloseTo(keyA.creationDate(), within(1, ChronoUnit.SECONDS));
        assertThat(info.deletionDate()).isEmpty();
    }

    @Test
    void describeKekReportsADisabledKey() throws Exception {
        KeyMetadata key = createKey();
        plain.disableKey(r -> r.keyId(key.keyId()));

        assertThat(backend.describeKek(KekRef.of(key.keyId())).state()).isEqualTo(KekState.DISABLED);
    }

    @Test
    void deleteKeySchedulesDeletionAndAttestsTheKeyArnAndDate() throws Exception {
        KeyMetadata key = createKey();
        Instant before = Instant.now();

        KeyDeletionAttestation att = backend.deleteKey(KekRef.of(key.keyId()));

        assertThat(att.kekArn()).isEqualTo(key.arn());
        assertThat(att.deletionDate()).isBetween(before.plus(7, ChronoUnit.DAYS).minusSeconds(2),
                Instant.now().plus(7, ChronoUnit.DAYS).plusSeconds(2));
        assertThat(att.signatureClass()).isEqualTo(SignatureClass.NONE);
        assertThat(att.payload()).isEqualTo(KeyDeletionAttestation.payloadFor(key.arn(), att.deletionDate()));
        KekInfo info = backend.describeKek(KekRef.of(key.arn()));
        assertThat(info.state()).isEqualTo(KekState.PENDING_DELETION);
        assertThat(info.deletionDate()).hasValueSatisfying(
                d -> assertThat(d.getEpochSecond()).isEqualTo(att.deletionDate().getEpochSecond()));
    }

    @Test
    void deleteKeyTwiceReturnsAnEqualAttestationAndKeepsTheDate() throws Exception {
        KeyMetadata key = createKey();
        KekRef kek = KekRef.of(key.arn());
        KeyDeletionAttestation first = backend.deleteKey(kek);
        Thread.sleep(1100); // moto would move the date on a second schedule; it must not happen

        KeyDeletionAttestation second = backend.deleteKey(kek);

        assertThat(second).isEqualTo(first);
        assertThat(backend.describeKek(kek).deletionDate().orElseThrow().getEpochSecond())
                .isEqualTo(first.deletionDate().getEpochSecond());
    }

    @Test
    void deleteKeyThroughAnAliasAttestsTheKeyArn() throws Exception {
        KeyMetadata key = createKey();
        String alias = "alias/arkhe-del-" + UUID.randomUUID();
        plain.createAlias(r -> r.aliasName(alias).targetKeyId(key.keyId()));

        KeyDeletionAttestation att = backend.deleteKey(KekRef.of(alias));

        assertThat(att.kekArn()).isEqualTo(key.arn());
    }

    @Test
    void deleteKeyUsesTheConfiguredPendingWindow() throws Exception {
        KeyMetadata key = createKey();
        try (AwsKmsBackend thirtyDays = newBackend().pendingWindowDays(30).build()) {
            KeyDeletionAttestation att = thirtyDays.deleteKey(KekRef.of(key.keyId()));

            assertThat(att.deletionDate()).isAfter(Instant.now().plus(29, ChronoUnit.DAYS));
        }
    }

    @Test
    void deleteKeyWithASigningKeyProducesAVerifiableEd25519Attestation() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyMetadata key = createKey();
        try (AwsKmsBackend signing = newBackend().attestationSigningKey(pair.getPrivate()).build()) {
            KeyDeletionAttestation att = signing.deleteKey(KekRef.of(key.keyId()));

            assertThat(att.signatureClass()).isEqualTo(SignatureClass.ED25519);
            assertThat(att.verify(pair.getPublic())).isTrue();
            assertThat(att.verify(other.getPublic())).isFalse();
            assertThat(signing.deleteKey(KekRef.of(key.keyId()))).isEqualTo(att);
        }
    }

    @Test
    void rotateKekAcceptsTwoEnabledSymmetricKeys() throws Exception {
        backend.rotateKek(KekRef.of(aliasA), KekRef.of(keyB.arn()));
        backend.rotateKek(KekRef.of(keyB.keyId()), KekRef.of(keyA.keyId()));
    }

    @Test
    void rotateKekRejectsTheSameKeyUnderAnyName() {
        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(keyA.keyId())), Reason.INVALID_INPUT);
        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(aliasA)), Reason.INVALID_INPUT);
        assertReason(() -> backend.rotateKek(KekRef.of(keyA.arn()), KekRef.of(keyA.keyId())), Reason.INVALID_INPUT);
    }

    @Test
    void rotateKekRejectsADisabledKey() {
        KeyMetadata disabled = createKey();
        plain.disableKey(r -> r.keyId(disabled.keyId()));

        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(disabled.keyId())),
                Reason.KEK_DISABLED);
        assertReason(() -> backend.rotateKek(KekRef.of(disabled.keyId()), KekRef.of(keyA.keyId())),
                Reason.KEK_DISABLED);
    }

    @Test
    void rotateKekRejectsAKeyPendingDeletion() throws Exception {
        KeyMetadata doomed = createKey();
        backend.deleteKey(KekRef.of(doomed.keyId()));

        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(doomed.arn())),
                Reason.KEK_PENDING_DELETION);
    }

    @Test
    void rotateKekRejectsAnAsymmetricKey() {
        KeyMetadata signing = plain.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata();

        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(signing.keyId())),
                Reason.INVALID_INPUT);
    }

    @Test
    void rotateKekRejectsAnUnknownKey() {
        assertReason(() -> backend.rotateKek(KekRef.of(keyA.keyId()), KekRef.of(UUID.randomUUID().toString())),
                Reason.KEK_NOT_FOUND);
    }

    @Test
    void wrappingBackendUsesTheCallersClientAndLeavesItOpen() throws Exception {
        KmsClient own = moto.newClient();
        try {
            AwsKmsBackend adopted = AwsKmsBackend.wrapping(own);
            KekRef kek = KekRef.of(keyA.keyId());
            DataKey dk = adopted.generateDek(kek);
            adopted.close();

            assertThatThrownBy(() -> adopted.generateDek(kek)).isInstanceOf(IllegalStateException.class);
            // The client still works after the backend is closed.
            assertThat(own.decrypt(r -> r.keyId(kek.id()).ciphertextBlob(
                    software.amazon.awssdk.core.SdkBytes.fromByteArray(dk.wrapped()))).plaintext().asByteArray())
                    .isEqualTo(dk.getEncoded());
        } finally {
            own.close();
        }
    }

    @Test
    void closedBackendRejectsEveryOperation() {
        AwsKmsBackend closed = newBackend().build();
        closed.close();
        closed.close(); // idempotent
        KekRef kek = KekRef.of(keyA.keyId());

        for (ThrowingCall call : List.<ThrowingCall>of(
                () -> closed.generateDek(kek),
                () -> closed.wrapDek(Dek.of(new byte[32]), kek),
                () -> closed.unwrapDek(new byte[10], kek),
                () -> closed.rewrapDek(new byte[10], kek, kek),
                () -> closed.deleteKey(kek),
                () -> closed.rotateKek(kek, kek),
                () -> closed.describeKek(kek))) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class);
        }
    }

    // ------------------------------------------------------------------------------------

    interface ThrowingCall {
        void run() throws Exception;
    }

    static void assertReason(ThrowingCall call, Reason reason) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    assertThat(e.retryable()).isEqualTo(reason.retryable());
                });
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
