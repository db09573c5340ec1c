package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No string this package produces may contain key bytes, in hex of either case or Base64. */
class LocalKmsHygieneTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("k", "v"));

    @TempDir
    Path dir;

    interface Call {
        void run() throws Exception;
    }

    @Test
    void toStringsAndEveryFailureMessageNeverContainKeyBytes() throws Exception {
        List<byte[]> secrets = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T00:00:00Z"));
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).clock(clock).lockWait(Duration.ZERO).build()) {
            KekRef kek = kms.createKey("k");
            KekRef other = kms.createKey("other");
            KekRef doomed = kms.createKey("doomed");
            KekRef off = kms.createKey("off");
            kms.disableKey(off);
            kms.deleteKey(doomed);
            for (KekRef ref : List.of(kek, other, doomed, off)) {
                UUID id = UUID.fromString(ref.id().substring(ref.id().lastIndexOf('/') + 1));
                AesKey material = kms.snapshot().keys().get(id).versions().get(0);
                secrets.add(material.getEncoded());
                texts.add(material.toString());
                texts.add(kms.snapshot().keys().get(id).toString());
            }
            secrets.add(Files.readAllBytes(dir.resolve("store.key")));
            DataKey dk = kms.generateDek(kek, CTX);
            secrets.add(dk.getEncoded());
            Dek dek = kms.unwrapDek(dk.wrapped(), kek, CTX);
            texts.add(dk.toString());
            texts.add(dek.toString());
            texts.add(kek.toString());
            texts.add(kms.toString());
            texts.add(kms.describeKek(kek).toString());
            texts.add(kms.deleteKey(other).toString());
            byte[] tampered = dk.wrapped();
            tampered[40] ^= 1;
            byte[] ok = dk.wrapped();
            List<Call> failures = List.of(
                    () -> kms.unwrapDek(tampered, kek, CTX),
                    () -> kms.unwrapDek(ok, kek, EncryptionContext.empty()),
                    () -> kms.unwrapDek(ok, KekRef.of(UUID.randomUUID().toString()), CTX),
                    () -> kms.unwrapDek(ok, other, CTX),
                    () -> kms.unwrapDek(ok, off, CTX),
                    () -> kms.unwrapDek(ok, doomed, CTX),
                    () -> kms.unwrapDek(new byte[3], kek, CTX),
                    () -> kms.unwrapDek(java.util.Arrays.copyOf(ok, 7000), kek, CTX),
                    () -> kms.unwrapDek(null, kek, CTX),
                    () -> kms.generateDek(kek, 100, CTX),
                    () -> kms.generateDek(off, CTX),
                    () -> kms.wrapDek(destroyed(), kek, CTX),
                    () -> kms.wrapDek(dk, doomed, CTX),
                    () -> kms.rewrapDek(tampered, kek, kek, CTX),
                    () -> kms.rotateKek(kek, kek),
                    () -> kms.rotateKek(kek, off),
                    () -> kms.cancelKeyDeletion(kek),
                    () -> kms.enableKey(doomed),
                    () -> kms.rotateKeyMaterial(off),
                    () -> kms.createAlias("bad alias", kek),
                    () -> kms.createAlias("alias/aws/x", kek),
                    () -> kms.deleteAlias("alias/none"),
                    () -> kms.createKey("x".repeat(9000)),
                    () -> LocalKmsBackend.builder(dir).lockWait(Duration.ZERO).build(),
                    () -> dek.getEncoded());
            for (Call call : failures) {
                try {
                    call.run();
                    if (call != failures.get(failures.size() - 1)) {
                        throw new AssertionError("expected a failure");
                    }
                } catch (KmsException e) {
                    collect(e, texts);
                }
            }
            dek.destroy();
            try {
                dek.getEncoded();
            } catch (IllegalStateException e) {
                collect(e, texts);
            }
            dk.destroy();
            texts.add(dk.toString());
            clock.advance(Duration.ofDays(30));
            kms.purgeExpired();
        }
        assertThat(texts).hasSizeGreaterThan(30);
        for (byte[] secret : secrets) {
            for (String form : forms(secret)) {
                for (String text : texts) {
                    assertThat(text).doesNotContain(form);
                }
            }
        }
        // Sanity: the check itself would notice a leak.
        String leaked = "key " + HexFormat.of().formatHex(secrets.get(0));
        assertThat(forms(secrets.get(0)).stream().anyMatch(leaked::contains)).isTrue();
    }

    @Test
    void openFailuresForCorruptAndLockedStoresNeverContainKeyBytes() throws Exception {
        List<String> texts = new ArrayList<>();
        byte[] keyFile;
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            kms.createKey("k");
            keyFile = Files.readAllBytes(dir.resolve("store.key"));
            try {
                LocalKmsBackend.builder(dir).lockWait(Duration.ZERO).build();
            } catch (KmsException e) {
                collect(e, texts);
            }
        }
        byte[] data = Files.readAllBytes(dir.resolve("store.dat"));
        data[data.length - 5] ^= 1;
        Files.write(dir.resolve("store.dat"), data);
        try {
            LocalKmsBackend.open(dir);
        } catch (KmsException e) {
            collect(e, texts);
        }
        assertThat(texts).hasSizeGreaterThanOrEqualTo(4);
        for (String form : forms(keyFile)) {
            assertThat(texts).noneMatch(t -> t.contains(form));
        }
    }

    private static Dek destroyed() {
        Dek d = Dek.of(new byte[16]);
        d.destroy();
        return d;
    }

    private static void collect(Throwable e, List<String> texts) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
            texts.add(t.toString());
        }
    }

    /** Hex (both cases) and Base64 of the secret, and of its first 8 bytes so that partial leaks count. */
    private static List<String> forms(byte[] secret) {
        List<String> out = new ArrayList<>();
        for (byte[] s : List.of(secret, java.util.Arrays.copyOf(secret, Math.min(8, secret.length)))) {
            String hex = HexFormat.of().formatHex(s);
            out.add(hex);
            out.add(hex.toUpperCase());
            out.add(Base64.getEncoder().withoutPadding().encodeToString(s));
        }
        return out;
    }
}
