package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour across processes: a second JVM reads the store, the lock excludes it, and crashes leave no damage. */
class LocalKmsMultiProcessTest {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aSecondJvmUnwrapsWhatThisJvmWrappedWithTheEnvironmentPassphrase() throws Exception {
        String passphrase = "multi-process passphrase";
        EncryptionContext ctx = EncryptionContext.of(Map.of("tenant", "acme"));
        KekRef kek;
        DataKey dk;
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).passphrase(passphrase.toCharArray())
                .pbkdf2Iterations(210_000).build()) {
            kek = kms.createKey("shared");
            kms.createAlias("alias/shared", kek);
            kms.rotateKeyMaterial(kek);
            dk = kms.generateDek(kek, ctx);
        }
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dk.getEncoded()));
        try (ChildJvm child = ChildJvm.start(passphrase, "unwrap", dir.toString(), "alias/shared",
                Base64.getEncoder().encodeToString(dk.wrapped()), "tenant", "acme", digest)) {
            assertThat(child.nextLine(CHILD_TIMEOUT)).as(child::transcript).isEqualTo("MATCH");
            assertThat(child.waitFor(CHILD_TIMEOUT)).isZero();
        }
        try (ChildJvm child = ChildJvm.start("not the passphrase", "unwrap", dir.toString(), "alias/shared",
                Base64.getEncoder().encodeToString(dk.wrapped()), "tenant", "acme", digest)) {
            assertThat(child.nextLine(CHILD_TIMEOUT)).as(child::transcript).startsWith("KMS ACCESS_DENIED");
            assertThat(child.waitFor(CHILD_TIMEOUT)).isEqualTo(3);
        }
    }

    @Test
    @Timeout(60)
    void aSecondProcessCannotOpenAStoreThisProcessHolds() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            kms.createKey("k");
            try (ChildJvm child = ChildJvm.start(null, "try-open", dir.toString(), "300")) {
                String line = child.nextLine(CHILD_TIMEOUT);
                assertThat(line).as(child::transcript).startsWith("KMS UNAVAILABLE").contains("locked by another process");
                assertThat(child.waitFor(CHILD_TIMEOUT)).isEqualTo(3);
            }
            assertThat(kms.listKeys()).hasSize(1);
        }
        try (ChildJvm child = ChildJvm.start(null, "try-open", dir.toString(), "0")) {
            assertThat(child.nextLine(CHILD_TIMEOUT)).as(child::transcript).isEqualTo("OPENED");
        }
    }

    @Test
    @Timeout(60)
    void thisProcessCannotOpenAStoreAnotherProcessHoldsAndCanOnceItExits() throws Exception {
        try (ChildJvm child = ChildJvm.start(null, "hold", dir.toString())) {
            assertThat(child.nextLine(CHILD_TIMEOUT)).as(child::transcript).isEqualTo("HELD 0 keys");
            assertThatThrownBy(() -> LocalKmsBackend.builder(dir).lockWait(Duration.ofMillis(200)).build())
                    .isInstanceOfSatisfying(KmsException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("locked by another process");
                    });
            child.closeStdin();
            assertThat(child.waitFor(CHILD_TIMEOUT)).isZero();
        }
        LocalKmsBackend.builder(dir).lockWait(Duration.ofSeconds(5)).build().close();
    }

    @Test
    @Timeout(170)
    void killingAWriterAtRandomMomentsNeverLeavesABrokenStore() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, List<byte[]>> wrappedByKey = new HashMap<>();
        int kills = 0;
        int keysSeen = 0;
        while (kills < 20 && System.nanoTime() < deadline) {
            try (ChildJvm child = ChildJvm.start(null, "crash-writer", dir.toString())) {
                assertThat(child.nextLine(CHILD_TIMEOUT)).as(child::transcript).isEqualTo("READY");
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 300));
                child.kill();
            }
            kills++;
            try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).lockWait(Duration.ofSeconds(10)).build()) {
                List<KekInfo> keys = kms.listKeys();
                assertThat(keys.size()).as("keys never disappear").isGreaterThanOrEqualTo(wrappedByKey.size());
                for (KekInfo info : keys) {
                    KekRef kek = KekRef.of(info.arn());
                    assertThat(info.state()).isNotEqualTo(KekState.PENDING_DELETION);
                    if (info.state() == KekState.DISABLED) {
                        kms.enableKey(kek);
                    }
                    for (byte[] earlier : wrappedByKey.getOrDefault(info.arn(), List.of())) {
                        assertThat(kms.unwrapDek(earlier, kek)).isNotNull();
                    }
                    DataKey dk = kms.generateDek(kek);
                    assertThat(kms.unwrapDek(dk.wrapped(), kek)).isEqualTo(dk);
                    wrappedByKey.computeIfAbsent(info.arn(), k -> new ArrayList<>()).add(dk.wrapped());
                }
                assertThat(wrappedByKey.keySet()).allMatch(arn -> keys.stream().anyMatch(i -> i.arn().equals(arn)));
                for (Map.Entry<String, String> alias : kms.listAliases().entrySet()) {
                    assertThat(kms.describeKek(KekRef.of(alias.getKey())).arn()).isEqualTo(alias.getValue());
                }
                keysSeen = keys.size();
            }
        }
        // About 10 s here; the 90 s bound only stops a wedged run.
        assertThat(kills).as("crash rounds within the time bound").isEqualTo(20);
        assertThat(keysSeen).as("the writer made progress between kills").isGreaterThan(0);
    }
}
