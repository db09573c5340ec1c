package dev.arkhe.kms.local;

import static dev.arkhe.kms.local.KmsAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException.Reason;
import dev.arkhe.kms.SignatureClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsDeletionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.750Z");

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);

    private LocalKmsBackend open() throws Exception {
        return LocalKmsBackend.builder(dir).clock(clock).build();
    }

    @Test
    void deleteSchedulesDeletionAtNowPlusDefaultSevenDaysToTheSecond() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            KeyDeletionAttestation att = kms.deleteKey(kek);
            Instant expected = Instant.parse("2026-03-08T10:15:30Z");
            assertThat(att.deletionDate()).isEqualTo(expected);
            assertThat(att.kekArn()).isEqualTo(kek.id());
            assertThat(att.signatureClass()).isEqualTo(SignatureClass.NONE);
            assertThat(att.payload()).isEqualTo(KeyDeletionAttestation.payloadFor(kek.id(), expected));
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.PENDING_DELETION);
            assertThat(kms.describeKek(kek).deletionDate()).contains(expected);
        }
    }

    @Test
    void pendingWindowIsConfigurableFrom7To30Days() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).clock(clock).pendingWindowDays(30).build()) {
            KekRef kek = kms.createKey("k");
            assertThat(kms.deleteKey(kek).deletionDate()).isEqualTo(Instant.parse("2026-03-31T10:15:30Z"));
        }
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).pendingWindowDays(6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 to 30");
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).pendingWindowDays(31))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 to 30");
        LocalKmsBackend.builder(dir).pendingWindowDays(7);
    }

    @Test
    void secondDeleteReturnsAnEqualAttestationEvenLater() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            KeyDeletionAttestation first = kms.deleteKey(kek);
            clock.advance(Duration.ofDays(2));
            KeyDeletionAttestation second = kms.deleteKey(kek);
            assertThat(second).isEqualTo(first);
            assertThat(second.deletionDate()).isEqualTo(first.deletionDate());
        }
    }

    @Test
    void pendingKeyRefusesCryptoAndEnableDisableWithPendingDeletion() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            KekRef other = kms.createKey("other");
            DataKey dk = kms.generateDek(kek);
            kms.deleteKey(kek);
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.generateDek(kek));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.wrapDek(dk, kek));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.unwrapDek(dk.wrapped(), kek));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.rewrapDek(dk.wrapped(), kek, other));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.enableKey(kek));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.disableKey(kek));
            assertFails(Reason.KEK_PENDING_DELETION, () -> kms.rotateKeyMaterial(kek));
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.PENDING_DELETION);
        }
    }

    @Test
    void enabledToPendingToCancelLeavesKeyDisabledThenEnableRestoresIt() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            DataKey dk = kms.generateDek(kek);
            kms.deleteKey(kek);
            kms.cancelKeyDeletion(kek);
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.DISABLED);
            assertThat(kms.describeKek(kek).deletionDate()).isEmpty();
            assertFails(Reason.KEK_DISABLED, () -> kms.unwrapDek(dk.wrapped(), kek));
            kms.enableKey(kek);
            assertThat(kms.unwrapDek(dk.wrapped(), kek)).isEqualTo(dk);
        }
    }

    @Test
    void disabledKeyCanBeScheduledForDeletion() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            kms.disableKey(kek);
            kms.deleteKey(kek);
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.PENDING_DELETION);
        }
    }

    @Test
    void cancelOnAKeyNotPendingIsInvalidInput() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            assertFails(Reason.INVALID_INPUT, () -> kms.cancelKeyDeletion(kek));
            kms.disableKey(kek);
            assertFails(Reason.INVALID_INPUT, () -> kms.cancelKeyDeletion(kek));
        }
    }

    @Test
    void purgeBeforeWindowEndsErasesNothing() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            kms.deleteKey(kek);
            clock.advance(Duration.ofDays(7).minusSeconds(1));
            assertThat(kms.purgeExpired()).isZero();
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.PENDING_DELETION);
        }
    }

    @Test
    void pendingToPurgedIsGoneForGoodAcrossReopen() throws Exception {
        KekRef kek;
        KekRef kept;
        DataKey dk;
        try (LocalKmsBackend kms = open()) {
            kek = kms.createKey("doomed");
            kept = kms.createKey("kept");
            kms.createAlias("alias/doomed", kek);
            dk = kms.generateDek(kek);
            kms.deleteKey(kek);
            clock.advance(Duration.ofDays(7));
            assertThat(kms.purgeExpired()).isEqualTo(1);
            assertThat(kms.purgeExpired()).isZero();
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.unwrapDek(dk.wrapped(), kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(KekRef.of("alias/doomed")));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.deleteKey(kek));
            assertThat(kms.listAliases()).doesNotContainKey("alias/doomed");
        }
        try (LocalKmsBackend kms = open()) {
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(kek));
            assertThat(kms.listKeys()).hasSize(1);
            assertThat(kms.describeKek(kept).state()).isEqualTo(KekState.ENABLED);
        }
    }

    @Test
    void purgedMaterialIsZeroedInMemoryAndAbsentFromTheStoreBodyAndFiles() throws Exception {
        byte[] material;
        AesKey inMemory;
        KekRef kek;
        try (LocalKmsBackend kms = open()) {
            kek = kms.createKey("doomed");
            kms.createKey("kept");
            UUID id = UUID.fromString(kek.id().substring(kek.id().lastIndexOf('/') + 1));
            inMemory = kms.snapshot().keys().get(id).versions().get(0);
            material = inMemory.getEncoded();
            assertThat(indexOf(StoreCodec.encode(kms.snapshot()), material))
                    .as("sanity: the body holds the material before the purge").isNotNegative();
            kms.deleteKey(kek);
            clock.advance(Duration.ofDays(8));
            assertThat(kms.purgeExpired()).isEqualTo(1);
            assertThat(inMemory.isDestroyed()).isTrue();
            assertThat(inMemory.raw()).containsOnly(0);
        }
        try (LocalKmsBackend kms = open()) {
            // The encoder is deterministic: this is exactly the plaintext that store.dat encrypts.
            assertThat(indexOf(StoreCodec.encode(kms.snapshot()), material)).isEqualTo(-1);
            assertThat(kms.listKeys()).extracting(KekInfo::arn).doesNotContain(kek.id());
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                assertThat(indexOf(Files.readAllBytes(p), material)).as("material in %s", p).isEqualTo(-1);
                assertThat(p.getFileName().toString()).doesNotContain(".tmp-");
            }
        }
    }

    @Test
    void ed25519AttestationVerifiesWithItsPublicKeyAndNotAnother() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        KeyPair signer = gen.generateKeyPair();
        KeyPair stranger = gen.generateKeyPair();
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).clock(clock)
                .attestationSigningKey(signer.getPrivate()).build()) {
            KekRef kek = kms.createKey("k");
            KeyDeletionAttestation att = kms.deleteKey(kek);
            assertThat(att.signatureClass()).isEqualTo(SignatureClass.ED25519);
            assertThat(att.signature()).hasSize(64);
            assertThat(att.verify(signer.getPublic())).isTrue();
            assertThat(att.verify(stranger.getPublic())).isFalse();
            assertThat(kms.deleteKey(kek)).isEqualTo(att);
        }
    }

    @Test
    void nonEd25519SigningKeyIsRejectedByTheBuilder() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).attestationSigningKey(rsa.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
    }

    @Test
    void pendingStateAndDateSurviveReopen() throws Exception {
        KekRef kek;
        KeyDeletionAttestation att;
        try (LocalKmsBackend kms = open()) {
            kek = kms.createKey("k");
            att = kms.deleteKey(kek);
        }
        try (LocalKmsBackend kms = open()) {
            assertThat(kms.describeKek(kek).deletionDate()).contains(att.deletionDate());
            assertThat(kms.deleteKey(kek)).isEqualTo(att);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void keyPastItsDeletionDateIsGoneEvenBeforePurgeAndCannotBeRevived() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            kms.createAlias("alias/doomed", kek);
            DataKey dek = kms.generateDek(kek);
            KeyDeletionAttestation attestation = kms.deleteKey(kek);
            clock.advance(Duration.ofDays(30));
            assertThat(clock.instant()).isAfter(attestation.deletionDate());

            // Everything AWS refuses once the window has ended, without anyone calling purgeExpired.
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.cancelKeyDeletion(kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.enableKey(kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.deleteKey(kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.unwrapDek(dek.wrapped(), kek));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.unwrapDek(dek.wrapped(), KekRef.of("alias/doomed")));
            assertThat(kms.listKeys()).noneMatch(info -> info.arn().equals(kek.id()));
            assertThat(kms.listAliases()).doesNotContainKey("alias/doomed");
        }
    }

    @Test
    void keyExactlyAtItsDeletionDateIsGone() throws Exception {
        try (LocalKmsBackend kms = open()) {
            KekRef kek = kms.createKey("k");
            Instant date = kms.deleteKey(kek).deletionDate();
            clock.advance(Duration.between(clock.instant(), date).minusSeconds(1));
            assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.PENDING_DELETION);
            clock.advance(Duration.ofSeconds(1));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(kek));
        }
    }

    @Test
    void reopeningAStoreErasesKeysWhoseDeletionDateHasPassed() throws Exception {
        KekRef kek;
        try (LocalKmsBackend kms = open()) {
            kek = kms.createKey("k");
            kms.deleteKey(kek);
        }
        clock.advance(Duration.ofDays(8));
        UUID id = UUID.fromString(kek.id().substring(kek.id().lastIndexOf('/') + 1));
        try (LocalKmsBackend kms = open()) {
            assertThat(kms.snapshot().keys()).doesNotContainKey(id);
        }
    }
}

