package dev.arkhe.kms.local;

import static dev.arkhe.kms.local.KmsAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KmsException.Reason;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsKeyStateTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t1"));

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    LocalKmsBackend kms;

    @BeforeEach
    void open() throws Exception {
        kms = LocalKmsBackend.builder(dir).clock(clock).build();
    }

    @AfterEach
    void close() {
        kms.close();
    }

    @Test
    void createdKeyIsEnabledWithLocalArnAndWorks() throws Exception {
        KekRef kek = kms.createKey("orders");
        assertThat(kek.id()).matches("arn:arkhe:kms:local:000000000000:key/[0-9a-f-]{36}");
        assertThat(kek.kind()).isEqualTo(KekRef.Kind.KEY_ARN);
        KekInfo info = kms.describeKek(kek);
        assertThat(info.arn()).isEqualTo(kek.id());
        assertThat(info.state()).isEqualTo(KekState.ENABLED);
        assertThat(info.creationDate()).isEqualTo(clock.instant());
        assertThat(info.deletionDate()).isEmpty();
        assertThat(kms.keyDescription(kek)).isEqualTo("orders");
    }

    @Test
    void generateThenUnwrapReturnsSameKeyFor128And256Bits() throws Exception {
        KekRef kek = kms.createKey("k");
        for (int bits : new int[] {128, 256}) {
            DataKey dk = kms.generateDek(kek, bits, CTX);
            assertThat(dk.length()).isEqualTo(bits / 8);
            assertThat(dk.kekArn()).isEqualTo(kek.id());
            assertThat(dk.context()).isEqualTo(CTX);
            Dek back = kms.unwrapDek(dk.wrapped(), kek, CTX);
            assertThat(back).isEqualTo(dk);
            assertThat(back.getAlgorithm()).isEqualTo("AES");
        }
    }

    @Test
    void wrapAcceptsAnyLengthFrom1To4096Bytes() throws Exception {
        KekRef kek = kms.createKey("k");
        for (int n : new int[] {1, 16, 32, 1000, 4096}) {
            Dek dek = Dek.of(new byte[n], "HmacSHA256");
            byte[] wrapped = kms.wrapDek(dek, kek, CTX);
            assertThat(wrapped.length).isLessThanOrEqualTo(6144);
            assertThat(kms.unwrapDek(wrapped, kek, CTX).getEncoded()).isEqualTo(new byte[n]);
        }
    }

    @Test
    void generateRejectsSizesOtherThan128And256() throws Exception {
        KekRef kek = kms.createKey("k");
        for (int bits : new int[] {0, 64, 192, 512, -256}) {
            assertFails(Reason.INVALID_INPUT, () -> kms.generateDek(kek, bits, CTX));
        }
    }

    @Test
    void wrapOfDestroyedDekIsInvalidInput() throws Exception {
        KekRef kek = kms.createKey("k");
        Dek dek = Dek.of(new byte[32]);
        dek.destroy();
        assertFails(Reason.INVALID_INPUT, () -> kms.wrapDek(dek, kek, CTX));
        assertFails(Reason.INVALID_INPUT, () -> kms.wrapDek(null, kek, CTX));
    }

    @Test
    void everyReferenceFormResolvesToTheSameKey() throws Exception {
        KekRef arn = kms.createKey("k");
        kms.createAlias("alias/app/orders", arn);
        String uuid = arn.id().substring(arn.id().lastIndexOf('/') + 1);
        DataKey dk = kms.generateDek(arn, CTX);
        for (String form : new String[] {uuid, uuid.toUpperCase(), arn.id(), "alias/app/orders",
                "arn:arkhe:kms:local:000000000000:alias/app/orders"}) {
            KekRef ref = KekRef.of(form);
            assertThat(kms.unwrapDek(dk.wrapped(), ref, CTX)).as(form).isEqualTo(dk);
            assertThat(kms.describeKek(ref).arn()).isEqualTo(arn.id());
        }
        assertThat(kms.generateDek(KekRef.of("alias/app/orders"), CTX).kekArn())
                .as("DataKey names the key ARN, never the alias").isEqualTo(arn.id());
    }

    @Test
    void enabledToDisabledToEnabled() throws Exception {
        KekRef kek = kms.createKey("k");
        DataKey dk = kms.generateDek(kek, CTX);
        kms.disableKey(kek);
        assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.DISABLED);
        kms.enableKey(kek);
        assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.ENABLED);
        assertThat(kms.unwrapDek(dk.wrapped(), kek, CTX)).isEqualTo(dk);
    }

    @Test
    void disabledKeyRefusesEveryCryptographicCallWithKekDisabled() throws Exception {
        KekRef kek = kms.createKey("k");
        KekRef other = kms.createKey("other");
        DataKey dk = kms.generateDek(kek, CTX);
        kms.disableKey(kek);
        assertFails(Reason.KEK_DISABLED, () -> kms.generateDek(kek, CTX));
        assertFails(Reason.KEK_DISABLED, () -> kms.wrapDek(dk, kek, CTX));
        assertFails(Reason.KEK_DISABLED, () -> kms.unwrapDek(dk.wrapped(), kek, CTX));
        assertFails(Reason.KEK_DISABLED, () -> kms.rewrapDek(dk.wrapped(), kek, other, CTX));
        assertFails(Reason.KEK_DISABLED, () -> kms.rotateKeyMaterial(kek));
        assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.DISABLED);
    }

    @Test
    void disableAndEnableAreIdempotent() throws Exception {
        KekRef kek = kms.createKey("k");
        kms.enableKey(kek);
        kms.disableKey(kek);
        kms.disableKey(kek);
        assertThat(kms.describeKek(kek).state()).isEqualTo(KekState.DISABLED);
    }

    @Test
    void unknownKeyIsKekNotFoundForEveryCall() throws Exception {
        KekRef known = kms.createKey("k");
        DataKey dk = kms.generateDek(known, CTX);
        KekRef unknown = KekRef.of(UUID.randomUUID().toString());
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.generateDek(unknown, CTX));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.wrapDek(dk, unknown, CTX));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.unwrapDek(dk.wrapped(), unknown, CTX));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.rewrapDek(dk.wrapped(), known, unknown, CTX));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.deleteKey(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.disableKey(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.enableKey(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.cancelKeyDeletion(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.rotateKeyMaterial(unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.rotateKek(known, unknown));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.createAlias("alias/x", unknown));
    }

    @Test
    void foreignArnsUnknownAliasesAndMultiRegionIdsAreKekNotFound() throws Exception {
        KekRef known = kms.createKey("k");
        String uuid = known.id().substring(known.id().lastIndexOf('/') + 1);
        for (String id : new String[] {
                "arn:aws:kms:us-east-1:111122223333:key/" + uuid,
                "arn:arkhe:kms:local:111122223333:key/" + uuid,
                "alias/nope",
                "arn:arkhe:kms:local:000000000000:alias/nope",
                "mrk-0123456789abcdef0123456789abcdef",
                "arn:arkhe:kms:local:000000000000:key/mrk-0123456789abcdef0123456789abcdef"}) {
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(KekRef.of(id)));
            assertFails(Reason.KEK_NOT_FOUND, () -> kms.wrapDek(Dek.of(new byte[32]), KekRef.of(id)));
        }
    }

    @Test
    void malformedIdsAreInvalidInput() throws Exception {
        KekRef kek = kms.createKey("k");
        assertFails(Reason.INVALID_INPUT, () -> kms.generateDek(null, CTX));
        assertFails(Reason.INVALID_INPUT, () -> kms.describeKek(null));
        assertFails(Reason.INVALID_INPUT, () -> kms.unwrapDek(null, kek, CTX));
        for (String bad : new String[] {"orders", "alias/", "alias/has space", "alias/aws/reserved",
                "arn:arkhe:kms:local:000000000000:alias/x", "alias/" + "x".repeat(251)}) {
            assertFails(Reason.INVALID_INPUT, () -> kms.createAlias(bad, kek));
            assertFails(Reason.INVALID_INPUT, () -> kms.deleteAlias(bad));
            assertFails(Reason.INVALID_INPUT, () -> kms.updateAlias(bad, kek));
        }
        assertFails(Reason.INVALID_INPUT, () -> kms.createAlias(null, kek));
        assertFails(Reason.INVALID_INPUT, () -> kms.createKey("d".repeat(8193)));
        assertThatThrownBy(() -> KekRef.of("not-a-key")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aliasLifecycleCreateUpdateDelete() throws Exception {
        KekRef a = kms.createKey("a");
        KekRef b = kms.createKey("b");
        kms.createAlias("alias/current", a);
        assertFails(Reason.INVALID_INPUT, () -> kms.createAlias("alias/current", b));
        assertThat(kms.listAliases()).containsEntry("alias/current", a.id());
        kms.updateAlias("alias/current", b);
        assertThat(kms.describeKek(KekRef.of("alias/current")).arn()).isEqualTo(b.id());
        kms.deleteAlias("alias/current");
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.describeKek(KekRef.of("alias/current")));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.deleteAlias("alias/current"));
        assertFails(Reason.KEK_NOT_FOUND, () -> kms.updateAlias("alias/current", a));
        assertThat(kms.describeKek(b).state()).isEqualTo(KekState.ENABLED);
    }

    @Test
    void aliasCannotTargetAKeyPendingDeletion() throws Exception {
        KekRef a = kms.createKey("a");
        kms.deleteKey(a);
        assertFails(Reason.KEK_PENDING_DELETION, () -> kms.createAlias("alias/late", a));
    }

    @Test
    void listKeysReportsEveryKeyInCreationOrder() throws Exception {
        KekRef a = kms.createKey("a");
        KekRef b = kms.createKey("b");
        kms.disableKey(b);
        assertThat(kms.listKeys()).extracting(KekInfo::arn).containsExactly(a.id(), b.id());
        assertThat(kms.listKeys()).extracting(KekInfo::state).containsExactly(KekState.ENABLED, KekState.DISABLED);
    }

    @Test
    void rotationKeepsOldVersionsReadableAndNewWrapsUseNewestVersion() throws Exception {
        KekRef kek = kms.createKey("k");
        DataKey v1 = kms.generateDek(kek, CTX);
        kms.rotateKeyMaterial(kek);
        DataKey v2 = kms.generateDek(kek, CTX);
        kms.rotateKeyMaterial(kek);
        DataKey v3 = kms.generateDek(kek, CTX);
        assertThat(WrappedFormat.parse(v1.wrapped()).materialVersion()).isEqualTo(1);
        assertThat(WrappedFormat.parse(v2.wrapped()).materialVersion()).isEqualTo(2);
        assertThat(WrappedFormat.parse(v3.wrapped()).materialVersion()).isEqualTo(3);
        for (DataKey dk : new DataKey[] {v1, v2, v3}) {
            assertThat(kms.unwrapDek(dk.wrapped(), kek, CTX)).isEqualTo(dk);
            assertThat(WrappedFormat.parse(dk.wrapped()).keyId().toString()).isEqualTo(
                    kek.id().substring(kek.id().lastIndexOf('/') + 1));
        }
        assertThat(kms.describeKek(kek).arn()).isEqualTo(kek.id());
    }

    @Test
    void rewrapMovesKeyToAnotherKekAndKeepsContext() throws Exception {
        KekRef from = kms.createKey("from");
        KekRef to = kms.createKey("to");
        DataKey dk = kms.generateDek(from, CTX);
        byte[] moved = kms.rewrapDek(dk.wrapped(), from, to, CTX);
        assertThat(kms.unwrapDek(moved, to, CTX)).isEqualTo(dk);
        assertFails(Reason.UNWRAP_FAILED, () -> kms.unwrapDek(moved, from, CTX));
        assertFails(Reason.UNWRAP_FAILED, () -> kms.rewrapDek(dk.wrapped(), to, from, CTX));
    }

    @Test
    void rotateKekChecksBothKeysAndRefusesTheSameKey() throws Exception {
        KekRef a = kms.createKey("a");
        KekRef b = kms.createKey("b");
        kms.createAlias("alias/a", a);
        kms.rotateKek(a, b);
        assertFails(Reason.INVALID_INPUT, () -> kms.rotateKek(a, a));
        assertFails(Reason.INVALID_INPUT, () -> kms.rotateKek(a, KekRef.of("alias/a")));
        kms.disableKey(b);
        assertFails(Reason.KEK_DISABLED, () -> kms.rotateKek(a, b));
        assertFails(Reason.KEK_DISABLED, () -> kms.rotateKek(b, a));
        kms.enableKey(b);
        kms.deleteKey(a);
        assertFails(Reason.KEK_PENDING_DELETION, () -> kms.rotateKek(a, b));
        assertFails(Reason.KEK_PENDING_DELETION, () -> kms.rotateKek(b, a));
    }

    @Test
    void closedBackendThrowsIllegalStateForEveryCall() throws Exception {
        KekRef kek = kms.createKey("k");
        DataKey dk = kms.generateDek(kek, CTX);
        kms.close();
        kms.close();
        assertThatThrownBy(() -> kms.generateDek(kek, CTX)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.wrapDek(dk, kek, CTX)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.unwrapDek(dk.wrapped(), kek, CTX)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.rewrapDek(dk.wrapped(), kek, kek, CTX)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.deleteKey(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.rotateKek(kek, kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.describeKek(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.createKey("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.createAlias("alias/x", kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.disableKey(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.enableKey(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.cancelKeyDeletion(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.rotateKeyMaterial(kek)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.purgeExpired()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.listKeys()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kms.listAliases()).isInstanceOf(IllegalStateException.class);
        assertThat(kms.toString()).contains("closed");
    }
}
