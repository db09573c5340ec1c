package dev.arkhe.kms.local;

import static dev.arkhe.kms.local.KmsAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsPersistenceTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("purpose", "persistence"));
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    @Test
    void keysAliasesStatesAndRotatedVersionsSurviveCloseAndReopen() throws Exception {
        KekRef enabled;
        KekRef disabled;
        KekRef pending;
        DataKey v1;
        DataKey v2;
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            enabled = kms.createKey("enabled key");
            disabled = kms.createKey("disabled key");
            pending = kms.createKey("pending key");
            kms.createAlias("alias/main", enabled);
            v1 = kms.generateDek(enabled, CTX);
            kms.rotateKeyMaterial(enabled);
            v2 = kms.generateDek(enabled, CTX);
            kms.disableKey(disabled);
            kms.deleteKey(pending);
        }
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            assertThat(kms.listKeys()).hasSize(3);
            assertThat(kms.describeKek(enabled).state()).isEqualTo(KekState.ENABLED);
            assertThat(kms.describeKek(disabled).state()).isEqualTo(KekState.DISABLED);
            assertThat(kms.describeKek(pending).state()).isEqualTo(KekState.PENDING_DELETION);
            assertThat(kms.keyDescription(disabled)).isEqualTo("disabled key");
            assertThat(kms.listAliases()).containsExactly(Map.entry("alias/main", enabled.id()));
            assertThat(kms.unwrapDek(v1.wrapped(), KekRef.of("alias/main"), CTX)).isEqualTo(v1);
            assertThat(kms.unwrapDek(v2.wrapped(), enabled, CTX)).isEqualTo(v2);
            assertThat(WrappedFormat.parse(kms.generateDek(enabled, CTX).wrapped()).materialVersion()).isEqualTo(2);
        }
    }

    @Test
    void storeFilesAreOwnerOnlyAndTheKeyFileIs32Bytes() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            kms.createKey("k");
        }
        Path keyFile = dir.resolve("store.key");
        assertThat(Files.size(keyFile)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store.dat"))))
                .isEqualTo("rw-------");
    }

    @Test
    void keyFileReadableByOthersIsRefusedWithAccessDenied() throws Exception {
        LocalKmsBackend.open(dir).close();
        Files.setPosixFilePermissions(dir.resolve("store.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertFails(Reason.ACCESS_DENIED, () -> LocalKmsBackend.open(dir));
    }

    @Test
    void keyFileOfAnotherStoreIsAccessDenied(@TempDir Path otherDir) throws Exception {
        LocalKmsBackend.open(dir).close();
        LocalKmsBackend.open(otherDir).close();
        Files.copy(otherDir.resolve("store.key"), dir.resolve("store.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFails(Reason.ACCESS_DENIED, () -> LocalKmsBackend.open(dir));
    }

    @Test
    void missingKeyFileIsBackend() throws Exception {
        LocalKmsBackend.open(dir).close();
        Files.delete(dir.resolve("store.key"));
        assertFails(Reason.BACKEND, () -> LocalKmsBackend.open(dir));
    }

    @Test
    void passphraseStoreReopensWithTheSamePassphraseAndHasNoKeyFile() throws Exception {
        KekRef kek;
        DataKey dk;
        try (LocalKmsBackend kms = passphraseBuilder(PASSPHRASE).build()) {
            kek = kms.createKey("k");
            dk = kms.generateDek(kek, CTX);
        }
        assertThat(dir.resolve("store.key")).doesNotExist();
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).passphrase(PASSPHRASE).build()) {
            assertThat(kms.unwrapDek(dk.wrapped(), kek, CTX)).isEqualTo(dk);
        }
    }

    @Test
    void wrongPassphraseIsAccessDeniedWithAClearMessage() throws Exception {
        passphraseBuilder(PASSPHRASE).build().close();
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).passphrase("wrong".toCharArray()).build())
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains("wrong passphrase").contains(dir.getFileName().toString());
                });
    }

    @Test
    void passphraseStoreOpenedWithoutPassphraseIsAccessDenied() throws Exception {
        passphraseBuilder(PASSPHRASE).build().close();
        assertThatThrownBy(() -> LocalKmsBackend.open(dir))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains(LocalKmsBackend.PASSPHRASE_ENV);
                });
    }

    @Test
    void keyFileStoreOpenedWithAPassphraseIsAccessDenied() throws Exception {
        LocalKmsBackend.open(dir).close();
        assertFails(Reason.ACCESS_DENIED, () -> LocalKmsBackend.builder(dir).passphrase(PASSPHRASE).build());
    }

    @Test
    void pbkdf2IterationsBelow210000AndEmptyPassphraseAreRejected() {
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).pbkdf2Iterations(209_999))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalKmsBackend.builder(dir).passphrase(new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultPassphraseStoreRecords600000Iterations() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).passphrase(PASSPHRASE).build()) {
            kms.createKey("k");
        }
        byte[] header = Files.readAllBytes(dir.resolve("store.dat"));
        assertThat(header[9]).as("protection kind").isEqualTo((byte) 2);
        assertThat(WrappedFormat.getInt(header, 26)).isEqualTo(600_000);
    }

    @Test
    void everyFlippedByteOfTheStoreFileIsDetected() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            kms.createKey("k");
        }
        Path data = dir.resolve("store.dat");
        byte[] good = Files.readAllBytes(data);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            Files.write(data, bad);
            int at = i;
            assertThatThrownBy(() -> LocalKmsBackend.open(dir)).as("flip at %d", at)
                    .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.reason())
                            .as("flip at %d: %s", at, e.getMessage()).isIn(Reason.BACKEND, Reason.ACCESS_DENIED));
        }
        Files.write(data, good);
        LocalKmsBackend.open(dir).close();
    }

    @Test
    void truncatedOrGarbageStoreIsBackend() throws Exception {
        LocalKmsBackend.open(dir).close();
        Path data = dir.resolve("store.dat");
        byte[] good = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(good, good.length - 1));
        assertFails(Reason.BACKEND, () -> LocalKmsBackend.open(dir));
        Files.write(data, new byte[10]);
        assertFails(Reason.BACKEND, () -> LocalKmsBackend.open(dir));
        Files.write(data, "not a store at all, just text that is long enough for a header......".repeat(3).getBytes());
        assertFails(Reason.BACKEND, () -> LocalKmsBackend.open(dir));
    }

    @Test
    void noMaterialIsWrittenInClear() throws Exception {
        byte[] material;
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            KekRef kek = kms.createKey("k");
            kms.rotateKeyMaterial(kek);
            UUID id = UUID.fromString(kek.id().substring(kek.id().lastIndexOf('/') + 1));
            material = kms.snapshot().keys().get(id).versions().get(1).getEncoded();
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                assertThat(LocalKmsDeletionTest.indexOf(Files.readAllBytes(p), material)).as("%s", p).isEqualTo(-1);
            }
        }
    }

    @Test
    void staleTemporaryFilesFromACrashAreRemovedOnOpen() throws Exception {
        LocalKmsBackend.open(dir).close();
        Path stale = dir.resolve("store.dat.tmp-0123456789abcdef");
        Files.write(stale, new byte[] {1, 2, 3});
        LocalKmsBackend.open(dir).close();
        assertThat(stale).doesNotExist();
    }

    @Test
    void secondOpenOfTheSameStoreInThisJvmFailsUnavailableUntilTheFirstCloses() throws Exception {
        try (LocalKmsBackend first = LocalKmsBackend.open(dir)) {
            KekRef kek = first.createKey("k");
            assertThatThrownBy(() -> LocalKmsBackend.builder(dir).lockWait(Duration.ofMillis(100)).build())
                    .isInstanceOfSatisfying(KmsException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("locked").contains("this JVM");
                    });
            assertThatThrownBy(() -> LocalKmsBackend.builder(dir.resolve(".")).lockWait(Duration.ZERO).build())
                    .isInstanceOf(KmsException.class);
            assertThat(first.describeKek(kek).state()).as("the first backend still works").isEqualTo(KekState.ENABLED);
        }
        LocalKmsBackend.builder(dir).lockWait(Duration.ZERO).build().close();
    }

    @Test
    void toStringShowsTheDirectoryOnly() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            assertThat(kms.toString()).isEqualTo("LocalKmsBackend[" + dir.toRealPath() + "]");
            assertThat(kms.directory()).isEqualTo(dir.toRealPath());
        }
    }

    private LocalKmsBackend.Builder passphraseBuilder(char[] passphrase) {
        return LocalKmsBackend.builder(dir).passphrase(passphrase).pbkdf2Iterations(210_000);
    }
}
