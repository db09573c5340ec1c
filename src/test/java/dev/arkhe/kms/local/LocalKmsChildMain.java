package dev.arkhe.kms.local;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The other process in the multi-process tests, run in a child JVM. It prints one-word
 * results and never prints key material (it compares a digest the parent passes in).
 *
 * <pre>
 * unwrap DIR KEK BLOB_BASE64 CTX_KEY CTX_VALUE SHA256_HEX  → MATCH | MISMATCH | KMS reason
 * try-open DIR WAIT_MILLIS                                   → OPENED | KMS reason message
 * hold DIR                                                   → HELD n keys, then holds until stdin closes
 * crash-writer DIR                                           → READY, then mutates the store forever
 * </pre>
 */
public final class LocalKmsChildMain {

    private LocalKmsChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "unwrap" -> unwrap(dir, args);
                case "try-open" -> {
                    LocalKmsBackend.builder(dir).lockWait(Duration.ofMillis(Long.parseLong(args[2]))).build().close();
                    System.out.println("OPENED");
                }
                case "hold" -> {
                    try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
                        System.out.println("HELD " + kms.listKeys().size() + " keys");
                        System.out.flush();
                        while (System.in.read() >= 0) {
                            // Hold the store until the parent closes our stdin (or kills us).
                        }
                    }
                }
                case "crash-writer" -> crashWriter(dir);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (KmsException e) {
            System.out.println("KMS " + e.reason() + " " + e.getMessage());
            System.exit(3);
        }
    }

    private static void unwrap(Path dir, String[] args) throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            Dek dek = kms.unwrapDek(Base64.getDecoder().decode(args[3]), KekRef.of(args[2]),
                    EncryptionContext.of(Map.of(args[4], args[5])));
            byte[] plain = dek.getEncoded();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain);
            System.out.println(HexFormat.of().formatHex(digest).equals(args[6]) ? "MATCH" : "MISMATCH");
        }
    }

    private static void crashWriter(Path dir) throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.builder(dir).lockWait(Duration.ofSeconds(10)).build()) {
            System.out.println("READY");
            System.out.flush();
            for (long i = 0; ; i++) {
                KekRef kek = kms.createKey("crash " + i);
                kms.createAlias("alias/crash-" + System.nanoTime(), kek);
                kms.rotateKeyMaterial(kek);
                kms.disableKey(kek);
                kms.enableKey(kek);
                kms.generateDek(kek).destroy();
            }
        }
    }
}
