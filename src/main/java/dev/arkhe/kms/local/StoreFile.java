package dev.arkhe.kms.local;

import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;

/**
 * The encrypted store file {@code store.dat} and the key that protects it.
 *
 * <p>File layout, version 1 (74-byte header, then ciphertext):
 * <pre>
 *  0   8  magic "AKLSTORE"
 *  8   1  format version (1)
 *  9   1  protection: 1 = key file {@code store.key}, 2 = passphrase
 * 10  16  PBKDF2 salt (zeros for a key file)
 * 26   4  PBKDF2 iterations, big-endian (0 for a key file)
 * 30  32  key check: HMAC-SHA256(master key, "arkhe-kms-local/v1 key check")
 * 62  12  GCM nonce, fresh for every write
 * 74   …  AES-256-GCM(encryption key, body) with the header as AAD, body per {@link StoreCodec}
 * </pre>
 * The encryption key is HMAC-SHA256(master key, "arkhe-kms-local/v1 store encryption"); the
 * master key is the 32-byte key file or PBKDF2WithHmacSHA256(passphrase, salt, iterations,
 * 256 bits). The key check tells a wrong passphrase (ACCESS_DENIED) from a damaged file
 * (BACKEND) without decrypting anything. Nothing key-related is ever written in clear.
 */
final class StoreFile implements AutoCloseable {

    static final String DATA_FILE = "store.dat";
    static final String KEY_FILE = "store.key";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; recorded per store so it can be raised later. */
    static final int DEFAULT_ITERATIONS = 600_000;
    static final int MIN_ITERATIONS = 210_000;

    private static final byte[] MAGIC = "AKLSTORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte FORMAT = 1;
    private static final byte KEY_FILE_PROTECTION = 1;
    private static final byte PASSPHRASE_PROTECTION = 2;
    private static final int SALT_LENGTH = 16;
    private static final int CHECK_OFFSET = 30;
    private static final int CHECK_LENGTH = 32;
    private static final int NONCE_OFFSET = 62;
    private static final int NONCE_LENGTH = 12;
    static final int HEADER_LENGTH = 74;
    private static final byte[] ENCRYPTION_LABEL = "arkhe-kms-local/v1 store encryption".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_LABEL = "arkhe-kms-local/v1 key check".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> NOT_OWNER = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path dir;
    private final Path dataFile;
    private final byte protection;
    private final byte[] salt;
    private final int iterations;
    private final byte[] keyCheck;
    private final AesKey encryptionKey;
    private final SecureRandom random;

    private StoreFile(Path dir, byte protection, byte[] salt, int iterations, byte[] keyCheck, AesKey encryptionKey,
                      SecureRandom random) {
        this.dir = dir;
        this.dataFile = dir.resolve(DATA_FILE);
        this.protection = protection;
        this.salt = salt;
        this.iterations = iterations;
        this.keyCheck = keyCheck;
        this.encryptionKey = encryptionKey;
        this.random = random;
    }

    /** An opened store: the file handle for later writes and the state it held. */
    record Opened(StoreFile file, StoreState state) {
    }

    /**
     * Opens the store in {@code dir} (which the caller has locked), creating an empty one if
     * there is none yet.
     *
     * @param passphrase null to use (or create) the key file
     * @throws KmsException ACCESS_DENIED for a wrong passphrase, a missing one, a key file readable
     *                      by others or one that does not belong to the store; BACKEND for a
     *                      damaged or unreadable store
     */
    static Opened open(Path dir, char[] passphrase, int newStoreIterations, SecureRandom random)
            throws KmsException {
        Path dataFile = dir.resolve(DATA_FILE);
        try {
            AtomicFiles.deleteStaleTemporaries(dir);
            if (!Files.exists(dataFile)) {
                return create(dir, passphrase, newStoreIterations, random);
            }
            byte[] content = Files.readAllBytes(dataFile);
            if (content.length < HEADER_LENGTH + 16 || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                    || content[8] != FORMAT) {
                throw corrupt(dir, "not a version-1 local KMS store file", null);
            }
            byte protection = content[9];
            byte[] salt = Arrays.copyOfRange(content, 10, 10 + SALT_LENGTH);
            int iterations = WrappedFormat.getInt(content, 26);
            byte[] check = Arrays.copyOfRange(content, CHECK_OFFSET, CHECK_OFFSET + CHECK_LENGTH);
            AesKey master;
            if (protection == PASSPHRASE_PROTECTION) {
                if (passphrase == null) {
                    throw new KmsException(Reason.ACCESS_DENIED, "local KMS store " + dir + " is protected by a"
                            + " passphrase; set ARKHE_KMS_LOCAL_PASSPHRASE or pass one to the builder");
                }
                if (iterations < MIN_ITERATIONS) {
                    throw corrupt(dir, "store header records too few PBKDF2 iterations", null);
                }
                master = stretch(passphrase, salt, iterations);
            } else if (protection == KEY_FILE_PROTECTION) {
                if (passphrase != null) {
                    throw new KmsException(Reason.ACCESS_DENIED, "local KMS store " + dir + " is protected by its"
                            + " key file " + KEY_FILE + ", not by a passphrase; open it without one"
                            + " (unset ARKHE_KMS_LOCAL_PASSPHRASE)");
                }
                master = readKeyFile(dir);
            } else {
                throw corrupt(dir, "unknown protection kind " + protection, null);
            }
            try {
                AesKey encryptionKey = derive(master, ENCRYPTION_LABEL);
                byte[] expectedCheck = derive(master, CHECK_LABEL).getEncoded();
                if (!MessageDigest.isEqual(expectedCheck, check)) {
                    encryptionKey.destroy();
                    throw new KmsException(Reason.ACCESS_DENIED, protection == PASSPHRASE_PROTECTION
                            ? "wrong passphrase for local KMS store " + dir + " (the store key check failed)"
                            : "key file " + KEY_FILE + " does not belong to local KMS store " + dir);
                }
                StoreFile file = new StoreFile(dir, protection, salt, iterations, check, encryptionKey, random);
                try {
                    return new Opened(file, file.decrypt(content));
                } catch (KmsException | RuntimeException e) {
                    file.close(); // zeroes the store key of a store that failed to open
                    throw e;
                }
            } finally {
                master.destroy();
            }
        } catch (IOException e) {
            throw new KmsException(Reason.BACKEND, "cannot read local KMS store " + dir + ": " + e, e);
        }
    }

    private static Opened create(Path dir, char[] passphrase, int iterations, SecureRandom random)
            throws IOException, KmsException {
        AesKey master;
        byte protection;
        byte[] salt = new byte[SALT_LENGTH];
        if (passphrase != null) {
            random.nextBytes(salt);
            master = stretch(passphrase, salt, iterations);
            protection = PASSPHRASE_PROTECTION;
        } else {
            Path keyFile = dir.resolve(KEY_FILE);
            // A key file without a store file is what a crash between the two writes leaves: reuse it.
            if (!Files.exists(keyFile)) {
                byte[] fresh = new byte[AesKey.LENGTH];
                random.nextBytes(fresh);
                try {
                    AtomicFiles.write(keyFile, fresh);
                } finally {
                    Arrays.fill(fresh, (byte) 0);
                }
            }
            master = readKeyFile(dir);
            protection = KEY_FILE_PROTECTION;
            iterations = 0;
        }
        try {
            StoreFile file = new StoreFile(dir, protection, salt, iterations, derive(master, CHECK_LABEL).getEncoded(),
                    derive(master, ENCRYPTION_LABEL), random);
            try {
                file.write(StoreState.EMPTY);
            } catch (IOException | RuntimeException e) {
                file.close(); // zeroes the store key of a store that failed to be created
                throw e;
            }
            return new Opened(file, StoreState.EMPTY);
        } finally {
            master.destroy();
        }
    }

    private static AesKey readKeyFile(Path dir) throws KmsException {
        Path keyFile = dir.resolve(KEY_FILE);
        try {
            if (AtomicFiles.posix()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
                if (perms.stream().anyMatch(NOT_OWNER::contains)) {
                    throw new KmsException(Reason.ACCESS_DENIED, "key file " + keyFile + " is accessible to other"
                            + " users; restrict it to its owner (chmod 600) before opening the store");
                }
            }
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length != AesKey.LENGTH) {
                Arrays.fill(key, (byte) 0);
                throw corrupt(dir, "key file " + KEY_FILE + " is not " + AesKey.LENGTH + " bytes", null);
            }
            return new AesKey(key);
        } catch (NoSuchFileException e) {
            throw corrupt(dir, "key file " + KEY_FILE + " is missing", e);
        } catch (IOException e) {
            throw new KmsException(Reason.BACKEND, "cannot read key file " + keyFile + ": " + e, e);
        }
    }

    private static AesKey stretch(char[] passphrase, byte[] salt, int iterations) throws KmsException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        try {
            return new AesKey(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new KmsException(Reason.BACKEND, "PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static AesKey derive(AesKey master, byte[] label) throws KmsException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(master);
            return new AesKey(mac.doFinal(label));
        } catch (GeneralSecurityException e) {
            throw new KmsException(Reason.BACKEND, "HmacSHA256 is not available", e);
        }
    }

    private static KmsException corrupt(Path dir, String what, Throwable cause) {
        return new KmsException(Reason.BACKEND, "local KMS store " + dir + " is damaged or unreadable: " + what, cause);
    }

    private StoreState decrypt(byte[] content) throws KmsException {
        byte[] body;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, content, NONCE_OFFSET, NONCE_LENGTH));
            cipher.updateAAD(content, 0, HEADER_LENGTH);
            body = cipher.doFinal(content, HEADER_LENGTH, content.length - HEADER_LENGTH);
        } catch (GeneralSecurityException e) {
            throw corrupt(dir, "store file failed authentication", e);
        }
        try {
            return StoreCodec.decode(body);
        } catch (StoreCodec.CorruptBodyException e) {
            throw corrupt(dir, e.getMessage(), e);
        }
    }

    /** Encrypts and atomically replaces the store file; on return the new state is on disk. */
    void write(StoreState state) throws IOException {
        byte[] body = StoreCodec.encode(state);
        try {
            byte[] header = new byte[HEADER_LENGTH];
            System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
            header[8] = FORMAT;
            header[9] = protection;
            System.arraycopy(salt, 0, header, 10, SALT_LENGTH);
            WrappedFormat.putInt(header, 26, iterations);
            System.arraycopy(keyCheck, 0, header, CHECK_OFFSET, CHECK_LENGTH);
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            System.arraycopy(nonce, 0, header, NONCE_OFFSET, NONCE_LENGTH);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(header);
            byte[] out = new byte[HEADER_LENGTH + cipher.getOutputSize(body.length)];
            System.arraycopy(header, 0, out, 0, HEADER_LENGTH);
            cipher.doFinal(body, 0, body.length, out, HEADER_LENGTH);
            AtomicFiles.write(dataFile, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the store: " + e.getMessage(), e);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    boolean passphraseProtected() {
        return protection == PASSPHRASE_PROTECTION;
    }

    /** Zeroes the store encryption key. */
    @Override
    public void close() {
        encryptionKey.destroy();
    }
}
