package dev.arkhe.kms.bench;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link LocalKmsBackend} generate, wrap and unwrap of a 32-byte data key, each beside the
 * raw JCE AES-256-GCM work it is built on, measured in the same run:
 * {@code rawEncrypt}/{@code rawDecrypt} are a per-thread cached {@code Cipher} doing
 * init (fresh random nonce from a per-thread DRBG, as the backend uses) and doFinal of the
 * same 32 bytes; {@code rawGenerate} adds drawing the 32 key bytes, the extra work a
 * generate has over a wrap. {@code rawEncryptCounterNonce} is the floor: the same
 * encryption with a counter as nonce, so no random source at all. The backend draws its
 * randomness from a per-thread DRBG in 1 KiB blocks, which is why it can beat
 * {@code rawEncrypt}; compare with the floor to see the cost of the KMS layer itself.
 *
 * <p>Run: {@code mvn -B -o -Pbench verify -Djmh.args="-f 1 -wi 3 -w 1s -i 5 -r 1s LocalKms"}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LocalKmsBenchmark {

    /** One backend shared by every benchmark thread, as an application would use it. */
    @State(Scope.Benchmark)
    public static class Kms {
        Path dir;
        LocalKmsBackend kms;
        KekRef kek;
        Dek dek;
        byte[] wrapped;
        final EncryptionContext ctx = EncryptionContext.empty();

        @Setup(Level.Trial)
        public void setUp() throws IOException, KmsException {
            dir = Files.createTempDirectory("arkhe-kms-bench");
            kms = LocalKmsBackend.open(dir);
            kek = kms.createKey("benchmark");
            byte[] material = new byte[32];
            new SecureRandom().nextBytes(material);
            dek = Dek.of(material);
            wrapped = kms.wrapDek(dek, kek, ctx);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            kms.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The raw JCE baseline: the same algorithm, key size and data length, nothing else. */
    @State(Scope.Thread)
    public static class Raw {
        Cipher encryptor;
        Cipher decryptor;
        SecretKeySpec key;
        SecureRandom random;
        byte[] plaintext = new byte[32];
        byte[] nonce = new byte[12];
        byte[] ciphertext;
        byte[] counterNonce = new byte[12];
        long counter;
        /** The same length as the local blob header that unwrap authenticates as AAD. */
        byte[] header = new byte[37];
        byte[] headerNonce = new byte[12];
        byte[] ciphertextWithHeader;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            random = SecureRandom.getInstance("DRBG");
            byte[] k = new byte[32];
            random.nextBytes(k);
            key = new SecretKeySpec(k, "AES");
            random.nextBytes(plaintext);
            random.nextBytes(nonce);
            encryptor = Cipher.getInstance("AES/GCM/NoPadding");
            decryptor = Cipher.getInstance("AES/GCM/NoPadding");
            encryptor.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            ciphertext = encryptor.doFinal(plaintext);
            random.nextBytes(header);
            random.nextBytes(headerNonce);
            encryptor.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, headerNonce));
            encryptor.updateAAD(header);
            ciphertextWithHeader = encryptor.doFinal(plaintext);
        }
    }

    @Benchmark
    public DataKey localGenerate(Kms s) throws KmsException {
        return s.kms.generateDek(s.kek, 256, s.ctx);
    }

    @Benchmark
    public byte[] localWrap(Kms s) throws KmsException {
        return s.kms.wrapDek(s.dek, s.kek, s.ctx);
    }

    @Benchmark
    public Dek localUnwrap(Kms s) throws KmsException {
        return s.kms.unwrapDek(s.wrapped, s.kek, s.ctx);
    }

    @Benchmark
    public byte[] rawEncrypt(Raw r) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        r.random.nextBytes(iv);
        r.encryptor.init(Cipher.ENCRYPT_MODE, r.key, new GCMParameterSpec(128, iv));
        return r.encryptor.doFinal(r.plaintext);
    }

    @Benchmark
    public byte[] rawEncryptCounterNonce(Raw r) throws GeneralSecurityException {
        long c = ++r.counter;
        for (int i = 0; i < 8; i++) {
            r.counterNonce[4 + i] = (byte) (c >>> (8 * i));
        }
        r.encryptor.init(Cipher.ENCRYPT_MODE, r.key, new GCMParameterSpec(128, r.counterNonce));
        return r.encryptor.doFinal(r.plaintext);
    }

    @Benchmark
    public byte[] rawGenerate(Raw r) throws GeneralSecurityException {
        byte[] fresh = new byte[32];
        r.random.nextBytes(fresh);
        byte[] iv = new byte[12];
        r.random.nextBytes(iv);
        r.encryptor.init(Cipher.ENCRYPT_MODE, r.key, new GCMParameterSpec(128, iv));
        return r.encryptor.doFinal(fresh);
    }

    @Benchmark
    public byte[] rawDecrypt(Raw r) throws GeneralSecurityException {
        r.decryptor.init(Cipher.DECRYPT_MODE, r.key, new GCMParameterSpec(128, r.nonce));
        return r.decryptor.doFinal(r.ciphertext);
    }

    /** rawDecrypt plus the 37-byte AAD that every local unwrap authenticates: its true floor. */
    @Benchmark
    public byte[] rawDecryptWithHeaderAad(Raw r) throws GeneralSecurityException {
        r.decryptor.init(Cipher.DECRYPT_MODE, r.key, new GCMParameterSpec(128, r.headerNonce));
        r.decryptor.updateAAD(r.header);
        return r.decryptor.doFinal(r.ciphertextWithHeader);
    }
}
