package dev.arkhe.kms.cli;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.jce.ArkheKmsProvider;
import dev.arkhe.kms.jce.KmsKeyGenParameterSpec;
import dev.arkhe.kms.jce.KmsParameterSpec;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.security.auth.DestroyFailedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code arkhe-kms demo}: crypto-shredding, step by step, on an embedded local KMS in a
 * temporary directory. It prints ids, ciphertext and the attestation, never a key.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Walk through crypto-shredding on an embedded local KMS in a temporary directory.",
                "It creates a KEK, generates a per-subject data key (JCE KeyGenerator \"KmsDataKey\"), encrypts records"
                        + " with AES/GCM, keeps only the wrapped key, unwraps it (JCE Cipher \"KmsKeyWrap\"), deletes"
                        + " the KEK and shows that the records can no longer be read."})
final class DemoCommand implements Callable<Integer> {

    private static final List<String> RECORDS = List.of(
            "{\"subject\":\"alice\",\"email\":\"alice@example.org\"}",
            "{\"subject\":\"alice\",\"order\":1042,\"total\":\"19.90 EUR\"}",
            "{\"subject\":\"alice\",\"note\":\"prefers paper invoices\"}");
    private static final Map<String, String> CONTEXT = Map.of("subject", "alice");
    private static final int GCM_TAG_BITS = 128;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws CliFailure {
        PrintWriter out = spec.commandLine().getOut();
        Path dir;
        try {
            dir = Files.createTempDirectory("arkhe-kms-demo-");
        } catch (IOException e) {
            throw new CliFailure(CliFailure.BACKEND, "cannot create a temporary directory: " + e.getMessage());
        }
        try {
            run(dir, out);
            return 0;
        } catch (KmsException e) {
            throw CliFailure.of(e);
        } catch (GeneralSecurityException e) {
            throw new CliFailure(CliFailure.BACKEND, "the demo failed: " + e);
        } finally {
            out.flush();
            deleteRecursively(dir);
        }
    }

    private static void run(Path dir, PrintWriter out) throws GeneralSecurityException {
        // A clock the demo can move forward, to show what happens after the deletion window.
        MovableClock clock = new MovableClock(Instant.now());
        KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (LocalKmsBackend backend = LocalKmsBackend.builder(dir.resolve("store"))
                .clock(clock)
                .attestationSigningKey(signer.getPrivate())
                .build()) {
            Provider provider = new ArkheKmsProvider(backend);
            out.println("arkhe-kms demo: crypto-shredding with an embedded local KMS in " + dir);
            out.println();

            KekRef kek = backend.createKey("demo KEK for subject alice");
            backend.createAlias("alias/demo-subject-alice", kek);
            out.println("1. Created a key-encryption key (KEK) for subject alice:");
            out.println("     " + kek.id() + "  (alias/demo-subject-alice)");

            KeyGenerator generator = KeyGenerator.getInstance(ArkheKmsProvider.DATA_KEY, provider);
            generator.init(new KmsKeyGenParameterSpec(KekRef.of("alias/demo-subject-alice"), 256, CONTEXT));
            DataKey dataKey = (DataKey) generator.generateKey();
            out.println("2. Generated a 256-bit data key through JCE KeyGenerator \"" + ArkheKmsProvider.DATA_KEY
                    + "\" (provider " + provider.getName() + "), encryption context " + CONTEXT + ":");
            out.println("     dek-id " + dataKey.dekId().toHex() + ", wrapped under " + dataKey.kekArn());

            SecureRandom random = new SecureRandom();
            List<byte[]> sealed = new ArrayList<>();
            out.println("3. Encrypted " + RECORDS.size() + " records with AES/GCM/NoPadding under the data key:");
            for (int i = 0; i < RECORDS.size(); i++) {
                byte[] iv = new byte[12];
                random.nextBytes(iv);
                Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                gcm.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(GCM_TAG_BITS, iv));
                gcm.updateAAD(recordId(i));
                byte[] ct = gcm.doFinal(RECORDS.get(i).getBytes(StandardCharsets.UTF_8));
                byte[] stored = new byte[iv.length + ct.length];
                System.arraycopy(iv, 0, stored, 0, iv.length);
                System.arraycopy(ct, 0, stored, iv.length, ct.length);
                sealed.add(stored);
                out.println("     record " + (i + 1) + ": " + shortHex(stored));
            }

            byte[] wrapped = dataKey.wrapped();
            dataKey.destroy();
            out.println("4. Destroyed the plaintext data key; kept only its wrapped form (" + wrapped.length
                    + " bytes) beside the records.");

            SecretKey opened = unwrap(provider, kek, wrapped);
            out.println("5. Unwrapped it through JCE Cipher \"" + ArkheKmsProvider.KEY_WRAP
                    + "\" (UNWRAP_MODE) and decrypted the records:");
            for (int i = 0; i < sealed.size(); i++) {
                out.println("     record " + (i + 1) + ": " + decrypt(opened, sealed.get(i), i));
            }
            destroy(opened);

            KeyDeletionAttestation attestation = backend.deleteKey(kek);
            KekInfo info = backend.describeKek(kek);
            out.println("6. Shredded: scheduled the KEK's deletion (deleteKey). State " + info.state()
                    + ", material destroyed on " + attestation.deletionDate() + ".");
            out.println("   Deletion attestation:");
            out.println("     kek             " + attestation.kekArn());
            out.println("     deletion-date   " + attestation.deletionDate() + " ("
                    + attestation.deletionDate().getEpochSecond() + ")");
            out.println("     payload         " + HexFormat.of().formatHex(attestation.payload()));
            out.println("     signature-class " + attestation.signatureClass());
            out.println("     signature       " + HexFormat.of().formatHex(attestation.signature()));
            out.println("     verifies under the demo's Ed25519 public key: " + attestation.verify(signer.getPublic()));

            out.println("7. Reading the records again:");
            out.println("     " + tryUnwrap(provider, kek, wrapped));

            clock.advance(Duration.between(clock.instant(), attestation.deletionDate()).plusSeconds(1));
            int purged = backend.purgeExpired();
            out.println("8. After the pending window (clock moved to " + clock.instant() + "), purgeExpired erased "
                    + purged + " key; the KEK is gone for good:");
            out.println("     " + tryUnwrap(provider, kek, wrapped));
            out.println();
            out.println("The " + RECORDS.size() + " records still exist as ciphertext, but no key that opens them"
                    + " does: they are crypto-shredded.");
        }
    }

    private static SecretKey unwrap(Provider provider, KekRef kek, byte[] wrapped) throws GeneralSecurityException {
        Cipher unwrap = Cipher.getInstance(ArkheKmsProvider.KEY_WRAP, provider);
        unwrap.init(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(CONTEXT));
        return (SecretKey) unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    }

    /** Describes why unwrapping fails now; the demo expects it to. */
    private static String tryUnwrap(Provider provider, KekRef kek, byte[] wrapped) {
        try {
            SecretKey key = unwrap(provider, kek, wrapped);
            destroy(key);
            return "UNEXPECTED: the data key could still be unwrapped";
        } catch (GeneralSecurityException e) {
            Throwable cause = e.getCause() instanceof KmsException k ? k : e;
            String reason = cause instanceof KmsException k ? k.reason().name() : cause.getClass().getSimpleName();
            return "refused (" + reason + "): " + cause.getMessage();
        }
    }

    private static String decrypt(SecretKey key, byte[] stored, int index) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(GCM_TAG_BITS, stored, 0, 12));
        gcm.updateAAD(recordId(index));
        return new String(gcm.doFinal(stored, 12, stored.length - 12), StandardCharsets.UTF_8);
    }

    private static byte[] recordId(int index) {
        return ("record-" + (index + 1)).getBytes(StandardCharsets.UTF_8);
    }

    private static String shortHex(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        return (hex.length() > 48 ? hex.substring(0, 48) + "..." : hex) + " (" + bytes.length + " bytes)";
    }

    private static void destroy(SecretKey key) {
        try {
            key.destroy();
        } catch (DestroyFailedException e) {
            // a key type without destroy(): nothing more can be done
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** A clock the demo moves forward by hand. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
