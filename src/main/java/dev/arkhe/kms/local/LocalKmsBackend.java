package dev.arkhe.kms.local;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * An embedded, file-backed KMS with AWS KMS key semantics, for one machine: development,
 * tests, demos and the local AWS-protocol endpoint.
 *
 * <h2>Keys and wrapping</h2>
 * Each KEK has an id (a UUID), the ARN {@code arn:arkhe:kms:local:000000000000:key/<uuid>},
 * a description, a state ({@link KekState}) and one or more 256-bit key-material versions.
 * Data keys are wrapped with AES-256-GCM under the newest version; the wrapped blob names
 * the key id and version, so every older version stays decryptable after
 * {@link #rotateKeyMaterial}. The blob header (magic, format, key id, material version,
 * nonce) and the canonical encryption context are bound as AAD; the key id determines the
 * ARN, so the ARN is bound too. A {@link KekRef} may be a key id, key ARN, alias name or alias ARN.
 * A null {@link EncryptionContext} means the empty context.
 *
 * <h2>States</h2>
 * Cryptographic calls need an enabled key: a disabled key fails with KEK_DISABLED, a key
 * pending deletion with KEK_PENDING_DELETION, an unknown (or purged) key with KEK_NOT_FOUND.
 * {@link #deleteKey} schedules deletion {@code pendingWindowDays} after now (to the second);
 * {@link #cancelKeyDeletion} leaves the key disabled, as AWS KMS does; {@link #purgeExpired}
 * erases the material of keys whose window has passed and forgets them entirely.
 * {@link #describeKek} works in every state.
 *
 * <h2>Persistence</h2>
 * The directory holds {@code store.dat} (every key, alias and state, AES-256-GCM encrypted
 * under a store key), {@code store.lock}, and {@code store.key} (32 random bytes, mode 0600)
 * unless the store is protected by a passphrase from {@code ARKHE_KMS_LOCAL_PASSPHRASE} or
 * the builder, stretched with PBKDF2WithHmacSHA256 (600,000 iterations, random salt).
 * Every change is written atomically (temporary file, fsync, atomic rename, directory fsync)
 * before the method returns, so a crash leaves the old or the new state. The store is locked
 * exclusively for the backend's lifetime, against other processes and other backends in
 * this JVM.
 *
 * <h2>Threads</h2>
 * Thread-safe. Cryptographic calls never touch the disk and take no lock: they read an
 * immutable snapshot of the store that each persisted change replaces at once. Changes are
 * serialized among themselves. After {@link #close()} every method throws
 * {@link IllegalStateException}.
 */
public final class LocalKmsBackend implements KmsBackend {

    /** The environment variable holding the store passphrase. */
    public static final String PASSPHRASE_ENV = "ARKHE_KMS_LOCAL_PASSPHRASE";
    /** The shortest and longest deletion windows, in days, as in AWS KMS. */
    public static final int MIN_PENDING_WINDOW_DAYS = 7;
    public static final int MAX_PENDING_WINDOW_DAYS = 30;

    private static final int GCM_TAG_BITS = 128;
    private static final int MAX_DESCRIPTION = 8192;
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]{1,250}");

    // One Cipher and one random source per thread: Cipher.getInstance costs more than the
    // encryption of a data key, and a shared SecureRandom serializes all threads.
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(LocalKmsBackend::newGcm);
    private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);
    // Key material and store salts and nonces: off the hot path, drawn straight from a DRBG.
    private static final java.security.SecureRandom ADMIN_RANDOM = RandomBytes.newDrbg();

    private final Path dir;
    private final Clock clock;
    private final int pendingWindowDays;
    private final PrivateKey signingKey;
    private final StoreLock lock;
    private final StoreFile file;
    private final Object writeLock = new Object();
    private volatile StoreState state;
    private volatile boolean closed;

    private LocalKmsBackend(Builder b, Path dir, StoreLock lock, StoreFile.Opened opened) {
        this.dir = dir;
        this.clock = b.clock;
        this.pendingWindowDays = b.pendingWindowDays;
        this.signingKey = b.signingKey;
        this.lock = lock;
        this.file = opened.file();
        this.state = opened.state();
    }

    /**
     * Opens (or creates) the store in {@code directory} with the defaults: system clock,
     * 7-day deletion window, unsigned attestations, passphrase from
     * {@value #PASSPHRASE_ENV} if set, else the key file.
     *
     * @throws KmsException as {@link Builder#build()}
     */
    public static LocalKmsBackend open(Path directory) throws KmsException {
        return builder(directory).build();
    }

    /** A builder for a store in {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    // ---------------------------------------------------------------- cryptographic calls

    /**
     * {@inheritDoc}
     *
     * <p>The returned key's {@link DataKey#kekArn()} is always the key ARN, even for an alias.
     */
    @Override
    public DataKey generateDek(KekRef kek, int keySizeBits, EncryptionContext ctx) throws KmsException {
        ensureOpen();
        if (keySizeBits != 128 && keySizeBits != 256) {
            throw new KmsException(Reason.INVALID_INPUT, "generateDek under " + name(kek)
                    + ": key size must be 128 or 256 bits, got " + keySizeBits);
        }
        EncryptionContext context = orEmpty(ctx);
        KeyRecord key = usable(kek, "generateDek");
        // One draw for both the key and the nonce.
        byte[] fresh = new byte[keySizeBits / 8 + WrappedFormat.NONCE_LENGTH];
        RANDOM.get().nextBytes(fresh);
        byte[] plaintext = Arrays.copyOf(fresh, keySizeBits / 8);
        byte[] nonce = Arrays.copyOfRange(fresh, plaintext.length, fresh.length);
        Arrays.fill(fresh, (byte) 0);
        try {
            byte[] wrapped = seal(key, plaintext, nonce, context, "generateDek");
            DataKey dataKey = DataKey.of(plaintext, wrapped, key.arn(), context);
            if (closed) {
                dataKey.destroy();
                ensureOpen();
            }
            return dataKey;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws KmsException INVALID_INPUT for a null or destroyed key; KEK_NOT_FOUND, KEK_DISABLED,
     *                      KEK_PENDING_DELETION; BACKEND if the JCE fails
     */
    @Override
    public byte[] wrapDek(Dek dek, KekRef kek, EncryptionContext ctx) throws KmsException {
        ensureOpen();
        if (dek == null || dek.isDestroyed()) {
            throw new KmsException(Reason.INVALID_INPUT, "wrapDek under " + name(kek) + ": the key to wrap is "
                    + (dek == null ? "null" : "destroyed"));
        }
        EncryptionContext context = orEmpty(ctx);
        KeyRecord key = usable(kek, "wrapDek");
        byte[] plaintext;
        try {
            plaintext = dek.getEncoded();
        } catch (IllegalStateException e) {
            throw new KmsException(Reason.INVALID_INPUT, "wrapDek under " + name(kek) + ": the key to wrap is destroyed");
        }
        try {
            byte[] wrapped = seal(key, plaintext, newNonce(), context, "wrapDek");
            ensureStillOpen(wrapped);
            return wrapped;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every malformed, truncated, extended, tampered or foreign blob, and every blob wrapped
     * under another KEK or with another context, fails with UNWRAP_FAILED and nothing else.
     *
     * @throws KmsException INVALID_INPUT for a null blob; KEK_NOT_FOUND, KEK_DISABLED,
     *                      KEK_PENDING_DELETION for the KEK named by {@code kek}
     */
    @Override
    public Dek unwrapDek(byte[] wrapped, KekRef kek, EncryptionContext ctx) throws KmsException {
        ensureOpen();
        EncryptionContext context = orEmpty(ctx);
        KeyRecord key = usable(kek, "unwrapDek");
        byte[] plaintext = open(key, wrapped, context, "unwrapDek");
        try {
            Dek dek = Dek.of(plaintext, "AES");
            if (closed) {
                dek.destroy();
                ensureOpen();
            }
            return dek;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** {@inheritDoc} Both KEKs must be enabled; the plaintext never leaves this method. */
    @Override
    public byte[] rewrapDek(byte[] wrapped, KekRef from, KekRef to, EncryptionContext ctx) throws KmsException {
        ensureOpen();
        EncryptionContext context = orEmpty(ctx);
        KeyRecord source = usable(from, "rewrapDek");
        KeyRecord target = usable(to, "rewrapDek");
        byte[] plaintext = open(source, wrapped, context, "rewrapDek");
        try {
            byte[] rewrapped = seal(target, plaintext, newNonce(), context, "rewrapDek");
            ensureStillOpen(rewrapped);
            return rewrapped;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] newNonce() {
        byte[] nonce = new byte[WrappedFormat.NONCE_LENGTH];
        RANDOM.get().nextBytes(nonce);
        return nonce;
    }

    /**
     * AES-256-GCM under the key's newest material. The AAD is the header (which names the key
     * id, and so the ARN, and the material version) followed by the canonical context.
     */
    private byte[] seal(KeyRecord key, byte[] plaintext, byte[] nonce, EncryptionContext ctx, String op)
            throws KmsException {
        int version = key.currentVersion();
        byte[] out = new byte[WrappedFormat.HEADER_LENGTH + plaintext.length + WrappedFormat.TAG_LENGTH];
        WrappedFormat.writeHeader(out, key.id(), version);
        System.arraycopy(nonce, 0, out, WrappedFormat.NONCE_OFFSET, nonce.length);
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.ENCRYPT_MODE, key.material(version), new GCMParameterSpec(GCM_TAG_BITS, nonce));
            gcm.updateAAD(out, 0, WrappedFormat.HEADER_LENGTH);
            if (!ctx.isEmpty()) {
                gcm.updateAAD(ctx.canonicalBytes());
            }
            gcm.doFinal(plaintext, 0, plaintext.length, out, WrappedFormat.HEADER_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new KmsException(Reason.BACKEND, op + " under " + key.arn() + ": AES-GCM encryption failed", e);
        }
    }

    /** Authenticates and decrypts; never throws anything but UNWRAP_FAILED for a bad blob. */
    private byte[] open(KeyRecord key, byte[] wrapped, EncryptionContext ctx, String op) throws KmsException {
        if (wrapped == null) {
            throw new KmsException(Reason.INVALID_INPUT, op + " under " + key.arn() + ": the wrapped key is null");
        }
        WrappedFormat.Header header = WrappedFormat.parse(wrapped);
        if (header == null) {
            throw unwrapFailed(op, key, "not a local wrapped key (bad format, version or length "
                    + wrapped.length + ")", null);
        }
        if (!header.keyId().equals(key.id())) {
            throw unwrapFailed(op, key, "the key was not wrapped under this KEK", null);
        }
        var material = key.material(header.materialVersion());
        if (material == null) {
            throw unwrapFailed(op, key, "the blob names a key-material version this KEK does not have", null);
        }
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.DECRYPT_MODE, material, new GCMParameterSpec(GCM_TAG_BITS, wrapped,
                    WrappedFormat.NONCE_OFFSET, WrappedFormat.NONCE_LENGTH));
            gcm.updateAAD(wrapped, 0, WrappedFormat.HEADER_LENGTH);
            if (!ctx.isEmpty()) {
                gcm.updateAAD(ctx.canonicalBytes());
            }
            return gcm.doFinal(wrapped, WrappedFormat.HEADER_LENGTH, wrapped.length - WrappedFormat.HEADER_LENGTH);
        } catch (AEADBadTagException e) {
            // close() zeroes the material; a blob that failed because of that is not damaged.
            ensureOpen();
            throw unwrapFailed(op, key, "authentication failed (another encryption context, or a damaged blob)", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            ensureOpen();
            throw unwrapFailed(op, key, "the blob could not be decrypted", e);
        }
    }

    private static KmsException unwrapFailed(String op, KeyRecord key, String why, Throwable cause) {
        return new KmsException(Reason.UNWRAP_FAILED, op + " under " + key.arn() + ": " + why, cause);
    }

    // ---------------------------------------------------------------- facade key management

    /**
     * {@inheritDoc}
     *
     * <p>The deletion date is now plus the pending window, truncated to the second. The
     * attestation is signed when the builder was given an Ed25519 key.
     *
     * @throws KmsException KEK_NOT_FOUND; BACKEND if the change cannot be persisted
     */
    @Override
    public KeyDeletionAttestation deleteKey(KekRef kek) throws KmsException {
        return deleteKey(kek, pendingWindowDays);
    }

    /**
     * Schedules deletion as {@link #deleteKey(KekRef)} does, with a pending window for this
     * call instead of the configured one (AWS ScheduleKeyDeletion's PendingWindowInDays; used
     * by the local KMS endpoint). A key already pending deletion keeps its date.
     *
     * @param pendingWindowDays {@value #MIN_PENDING_WINDOW_DAYS} to {@value #MAX_PENDING_WINDOW_DAYS}
     * @throws KmsException INVALID_INPUT for another window; as {@link #deleteKey(KekRef)}
     */
    public KeyDeletionAttestation deleteKey(KekRef kek, int pendingWindowDays) throws KmsException {
        if (pendingWindowDays < MIN_PENDING_WINDOW_DAYS || pendingWindowDays > MAX_PENDING_WINDOW_DAYS) {
            throw new KmsException(Reason.INVALID_INPUT, "deleteKey " + name(kek) + ": pending window must be "
                    + MIN_PENDING_WINDOW_DAYS + " to " + MAX_PENDING_WINDOW_DAYS + " days, got " + pendingWindowDays);
        }
        KeyRecord key;
        synchronized (writeLock) {
            ensureOpen();
            key = resolve(state, kek, "deleteKey");
            if (key.state() != KekState.PENDING_DELETION) {
                Instant date = clock.instant().plus(Duration.ofDays(pendingWindowDays)).truncatedTo(ChronoUnit.SECONDS);
                key = key.withState(KekState.PENDING_DELETION, date);
                commit(state.withKey(key), "deleteKey", key.arn());
            }
        }
        if (signingKey == null) {
            return KeyDeletionAttestation.unsigned(key.arn(), key.deletionDate());
        }
        try {
            return KeyDeletionAttestation.signed(key.arn(), key.deletionDate(), signingKey);
        } catch (InvalidKeyException e) {
            throw new KmsException(Reason.BACKEND, "deleteKey " + key.arn() + ": attestation signing failed", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws KmsException KEK_NOT_FOUND, KEK_DISABLED, KEK_PENDING_DELETION for either key;
     *                      INVALID_INPUT when both refer to the same key
     */
    @Override
    public void rotateKek(KekRef oldKek, KekRef newKek) throws KmsException {
        ensureOpen();
        StoreState s = state;
        KeyRecord from = resolve(s, oldKek, "rotateKek");
        KeyRecord to = resolve(s, newKek, "rotateKek");
        if (from.id().equals(to.id())) {
            throw new KmsException(Reason.INVALID_INPUT, "rotateKek from " + oldKek.id() + " to " + newKek.id()
                    + ": both refer to the same key " + from.arn());
        }
        checkEnabled(from, oldKek, "rotateKek");
        checkEnabled(to, newKek, "rotateKek");
    }

    /** {@inheritDoc} Works in every state; a key past its deletion date is KEK_NOT_FOUND. */
    @Override
    public KekInfo describeKek(KekRef kek) throws KmsException {
        ensureOpen();
        return resolve(state, kek, "describeKek").info();
    }

    // ---------------------------------------------------------------- administration

    /**
     * Creates an enabled key with fresh 256-bit material.
     *
     * @param description free text up to 8192 characters; null means empty
     * @return a reference holding the key ARN
     * @throws KmsException INVALID_INPUT for a too long description; BACKEND if it cannot be persisted
     */
    public KekRef createKey(String description) throws KmsException {
        String text = description == null ? "" : description;
        if (text.length() > MAX_DESCRIPTION) {
            throw new KmsException(Reason.INVALID_INPUT, "createKey: description longer than " + MAX_DESCRIPTION
                    + " characters");
        }
        synchronized (writeLock) {
            ensureOpen();
            AesKey material = newMaterial();
            KeyRecord key = new KeyRecord(UUID.randomUUID(), text, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    KekState.ENABLED, null, List.of(material));
            try {
                commit(state.withKey(key), "createKey", key.arn());
            } catch (KmsException e) {
                material.destroy();
                throw e;
            }
            return KekRef.of(key.arn());
        }
    }

    /**
     * Creates an alias for a key.
     *
     * @param aliasName {@code alias/} followed by 1 to 250 of {@code [a-zA-Z0-9/_-]}, not {@code alias/aws/...}
     * @param key       the target; any form of reference (an alias resolves to its key)
     * @throws KmsException INVALID_INPUT for a bad or existing name; KEK_NOT_FOUND;
     *                      KEK_PENDING_DELETION for a target pending deletion
     */
    public void createAlias(String aliasName, KekRef key) throws KmsException {
        checkAliasName(aliasName, "createAlias");
        synchronized (writeLock) {
            ensureOpen();
            if (state.aliases().containsKey(aliasName)) {
                throw new KmsException(Reason.INVALID_INPUT, "createAlias: " + aliasName + " already exists");
            }
            KeyRecord target = aliasTarget(key, "createAlias");
            commit(state.withAlias(aliasName, target.id()), "createAlias", aliasName);
        }
    }

    /**
     * Points an existing alias at another key.
     *
     * @throws KmsException INVALID_INPUT for a bad name; KEK_NOT_FOUND for a missing alias or key;
     *                      KEK_PENDING_DELETION for a target pending deletion
     */
    public void updateAlias(String aliasName, KekRef key) throws KmsException {
        checkAliasName(aliasName, "updateAlias");
        synchronized (writeLock) {
            ensureOpen();
            if (!state.aliases().containsKey(aliasName)) {
                throw new KmsException(Reason.KEK_NOT_FOUND, "updateAlias: alias " + aliasName + " not found");
            }
            KeyRecord target = aliasTarget(key, "updateAlias");
            commit(state.withAlias(aliasName, target.id()), "updateAlias", aliasName);
        }
    }

    /**
     * Deletes an alias; the key is untouched.
     *
     * @throws KmsException INVALID_INPUT for a bad name; KEK_NOT_FOUND for a missing alias
     */
    public void deleteAlias(String aliasName) throws KmsException {
        checkAliasName(aliasName, "deleteAlias");
        synchronized (writeLock) {
            ensureOpen();
            if (!state.aliases().containsKey(aliasName)) {
                throw new KmsException(Reason.KEK_NOT_FOUND, "deleteAlias: alias " + aliasName + " not found");
            }
            commit(state.withoutAlias(aliasName), "deleteAlias", aliasName);
        }
    }

    /**
     * Disables an enabled key (no-op when already disabled).
     *
     * @throws KmsException KEK_NOT_FOUND; KEK_PENDING_DELETION
     */
    public void disableKey(KekRef kek) throws KmsException {
        setEnabled(kek, false, "disableKey");
    }

    /**
     * Enables a disabled key (no-op when already enabled).
     *
     * @throws KmsException KEK_NOT_FOUND; KEK_PENDING_DELETION
     */
    public void enableKey(KekRef kek) throws KmsException {
        setEnabled(kek, true, "enableKey");
    }

    private void setEnabled(KekRef kek, boolean enable, String op) throws KmsException {
        synchronized (writeLock) {
            ensureOpen();
            KeyRecord key = resolve(state, kek, op);
            if (key.state() == KekState.PENDING_DELETION) {
                throw pending(key, kek, op);
            }
            KekState wanted = enable ? KekState.ENABLED : KekState.DISABLED;
            if (key.state() != wanted) {
                commit(state.withKey(key.withState(wanted, null)), op, key.arn());
            }
        }
    }

    /**
     * Cancels a scheduled deletion; the key becomes DISABLED (as in AWS KMS) and must be
     * enabled again before use.
     *
     * @throws KmsException KEK_NOT_FOUND; INVALID_INPUT when the key is not pending deletion
     */
    public void cancelKeyDeletion(KekRef kek) throws KmsException {
        synchronized (writeLock) {
            ensureOpen();
            KeyRecord key = resolve(state, kek, "cancelKeyDeletion");
            if (key.state() != KekState.PENDING_DELETION) {
                throw new KmsException(Reason.INVALID_INPUT, "cancelKeyDeletion " + key.arn()
                        + ": the key is not pending deletion (state " + key.state() + ")");
            }
            commit(state.withKey(key.withState(KekState.DISABLED, null)), "cancelKeyDeletion", key.arn());
        }
    }

    /**
     * Adds a new key-material version that every later wrap uses; blobs wrapped under older
     * versions stay decryptable, and the key id and ARN do not change.
     *
     * @throws KmsException KEK_NOT_FOUND, KEK_DISABLED, KEK_PENDING_DELETION
     */
    public void rotateKeyMaterial(KekRef kek) throws KmsException {
        synchronized (writeLock) {
            ensureOpen();
            KeyRecord key = resolve(state, kek, "rotateKeyMaterial");
            checkEnabled(key, kek, "rotateKeyMaterial");
            AesKey material = newMaterial();
            try {
                commit(state.withKey(key.withNewVersion(material)), "rotateKeyMaterial", key.arn());
            } catch (KmsException e) {
                material.destroy();
                throw e;
            }
        }
    }

    /**
     * Erases every key whose deletion date has come (by the configured clock): the store is
     * rewritten without its material and aliases, the in-memory copies are zeroed, and the key
     * is KEK_NOT_FOUND from then on.
     *
     * @return how many keys were erased
     * @throws KmsException BACKEND if the change cannot be persisted
     */
    public int purgeExpired() throws KmsException {
        List<KeyRecord> erased = new ArrayList<>();
        synchronized (writeLock) {
            ensureOpen();
            Instant now = clock.instant();
            StoreState next = state;
            for (KeyRecord k : state.keys().values()) {
                if (isExpired(k, now)) {
                    erased.add(k);
                    next = next.withoutKey(k.id());
                }
            }
            if (!erased.isEmpty()) {
                commit(next, "purgeExpired", erased.size() + " keys");
            }
        }
        // Pending keys are refused before any material is touched, so nothing is using these.
        erased.forEach(KeyRecord::destroyMaterial);
        return erased.size();
    }

    /** Every key, in creation order, as {@link #describeKek} reports it. */
    public List<KekInfo> listKeys() {
        ensureOpen();
        List<KekInfo> out = new ArrayList<>();
        Instant now = clock.instant();
        for (KeyRecord k : state.keys().values()) {
            if (!isExpired(k, now)) {
                out.add(k.info());
            }
        }
        return List.copyOf(out);
    }

    /** Every alias name, sorted, with the ARN of its key. */
    public Map<String, String> listAliases() {
        ensureOpen();
        StoreState s = state;
        Map<String, String> out = new LinkedHashMap<>();
        Instant now = clock.instant();
        s.aliases().forEach((name, id) -> {
            KeyRecord key = s.keys().get(id);
            if (!isExpired(key, now)) {
                out.put(name, key.arn());
            }
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The description given to {@link #createKey}.
     *
     * @throws KmsException KEK_NOT_FOUND
     */
    public String keyDescription(KekRef kek) throws KmsException {
        ensureOpen();
        return resolve(state, kek, "keyDescription").description();
    }

    /** The current snapshot; for tests in this package. */
    StoreState snapshot() {
        return state;
    }

    /**
     * The ARN of the key a wrapped blob names in its header, without authenticating the blob
     * (AWS Decrypt without a KeyId; used by the local KMS endpoint). Unwrapping still checks
     * everything.
     *
     * @return empty for anything that is not a well-formed local wrapped key
     */
    public Optional<String> wrappingKeyArn(byte[] wrapped) {
        ensureOpen();
        WrappedFormat.Header header = WrappedFormat.parse(wrapped);
        return header == null ? Optional.empty() : Optional.of(KeyRecord.arnOf(header.keyId()));
    }

    /** The store directory (its real path). */
    public Path directory() {
        return dir;
    }

    /**
     * Zeroes every key material held in memory and releases the store lock. Idempotent.
     * (Per-thread JCE {@code Cipher} objects keep their own copy of the last key they were
     * initialised with; the JCE offers no way to wipe it.)
     */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (KeyRecord k : state.keys().values()) {
                k.destroyMaterial();
            }
            file.close();
            lock.close();
        }
    }

    @Override
    public String toString() {
        return "LocalKmsBackend[" + dir + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- helpers

    private void commit(StoreState next, String op, String subject) throws KmsException {
        try {
            file.write(next);
        } catch (IOException e) {
            throw new KmsException(Reason.BACKEND, op + " " + subject + ": cannot persist the change to local KMS"
                    + " store " + dir + ": " + e.getMessage(), e);
        }
        state = next;
    }

    private KeyRecord usable(KekRef kek, String op) throws KmsException {
        KeyRecord key = resolve(state, kek, op);
        checkEnabled(key, kek, op);
        return key;
    }

    private static void checkEnabled(KeyRecord key, KekRef kek, String op) throws KmsException {
        if (key.state() == KekState.DISABLED) {
            throw new KmsException(Reason.KEK_DISABLED, op + " under " + describe(kek, key) + ": the key is disabled");
        }
        if (key.state() == KekState.PENDING_DELETION) {
            throw pending(key, kek, op);
        }
    }

    private static KmsException pending(KeyRecord key, KekRef kek, String op) {
        return new KmsException(Reason.KEK_PENDING_DELETION, op + " under " + describe(kek, key)
                + ": the key is pending deletion on " + key.deletionDate());
    }

    private static String describe(KekRef kek, KeyRecord key) {
        return kek.id().equals(key.arn()) ? key.arn() : kek.id() + " (" + key.arn() + ")";
    }

    private KeyRecord aliasTarget(KekRef key, String op) throws KmsException {
        KeyRecord target = resolve(state, key, op);
        if (target.state() == KekState.PENDING_DELETION) {
            throw pending(target, key, op);
        }
        return target;
    }

    private KeyRecord resolve(StoreState s, KekRef kek, String op) throws KmsException {
        if (kek == null) {
            throw new KmsException(Reason.INVALID_INPUT, op + ": the KEK reference is null");
        }
        String id = kek.id();
        KeyRecord known = s.byReference(id);
        if (known != null) {
            return notExpired(known, id, op);
        }
        // Not a canonical spelling (an upper-case id, say) or not a key of this store.
        UUID keyId = switch (kek.kind()) {
            case KEY_ID -> id.startsWith("mrk-") ? null : UUID.fromString(id);
            case KEY_ARN -> id.startsWith(KeyRecord.KEY_ARN_PREFIX)
                    && !id.startsWith(KeyRecord.KEY_ARN_PREFIX + "mrk-")
                    ? UUID.fromString(id.substring(KeyRecord.KEY_ARN_PREFIX.length())) : null;
            case ALIAS_NAME -> s.aliases().get(id);
            case ALIAS_ARN -> id.startsWith(KeyRecord.ALIAS_ARN_PREFIX)
                    ? s.aliases().get(id.substring(KeyRecord.ARN_PREFIX.length())) : null;
        };
        KeyRecord key = keyId == null ? null : s.keys().get(keyId);
        if (key == null) {
            throw new KmsException(Reason.KEK_NOT_FOUND, op + ": KEK " + id + " not found in local KMS store " + dir);
        }
        return notExpired(key, id, op);
    }

    /**
     * A key past its deletion date is gone, as in AWS KMS, even before {@link #purgeExpired}
     * has erased its bytes: nothing may use, describe or cancel it after the attested date.
     */
    private KeyRecord notExpired(KeyRecord key, String id, String op) throws KmsException {
        // Only a pending key can have expired: the hot path never reads the clock.
        if (key.state() == KekState.PENDING_DELETION && isExpired(key, clock.instant())) {
            throw new KmsException(Reason.KEK_NOT_FOUND, op + ": KEK " + id + " was deleted on "
                    + key.deletionDate());
        }
        return key;
    }

    private static boolean isExpired(KeyRecord key, Instant now) {
        return key.state() == KekState.PENDING_DELETION && !key.deletionDate().isAfter(now);
    }

    private static void checkAliasName(String aliasName, String op) throws KmsException {
        if (aliasName == null || !ALIAS_NAME.matcher(aliasName).matches()) {
            throw new KmsException(Reason.INVALID_INPUT, op + ": alias name " + (aliasName == null ? "null"
                    : "'" + abbreviate(aliasName) + "'") + " is not of the form alias/my-key"
                    + " (1 to 250 of a-z A-Z 0-9 / _ -)");
        }
        if (aliasName.startsWith("alias/aws/")) {
            throw new KmsException(Reason.INVALID_INPUT, op + ": alias names starting with alias/aws/ are reserved");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static String name(KekRef kek) {
        return kek == null ? "a null KEK" : kek.id();
    }

    private static EncryptionContext orEmpty(EncryptionContext ctx) {
        return ctx == null ? EncryptionContext.empty() : ctx;
    }

    private static AesKey newMaterial() {
        byte[] material = new byte[AesKey.LENGTH];
        ADMIN_RANDOM.nextBytes(material);
        return new AesKey(material);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LocalKmsBackend for " + dir + " is closed");
        }
    }

    /** A close() that ran during the call may have zeroed the material the result was made with. */
    private void ensureStillOpen(byte[] result) {
        if (closed) {
            Arrays.fill(result, (byte) 0);
            ensureOpen();
        }
    }

    private static Cipher newGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is not available in this JDK", e);
        }
    }

    /**
     * Configures and opens a {@link LocalKmsBackend}. Not thread-safe; use once.
     */
    public static final class Builder {
        private final Path dir;
        private Clock clock = Clock.systemUTC();
        private int pendingWindowDays = MIN_PENDING_WINDOW_DAYS;
        private PrivateKey signingKey;
        private char[] passphrase;
        private Duration lockWait = Duration.ofSeconds(2);
        private int iterations = StoreFile.DEFAULT_ITERATIONS;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "directory");
        }

        /** The clock for creation and deletion dates and for {@link #purgeExpired()}; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Days between {@link #deleteKey} and the erasure of the material; default 7.
         *
         * @throws IllegalArgumentException outside 7..30
         */
        public Builder pendingWindowDays(int days) {
            if (days < MIN_PENDING_WINDOW_DAYS || days > MAX_PENDING_WINDOW_DAYS) {
                throw new IllegalArgumentException("pending window must be " + MIN_PENDING_WINDOW_DAYS + " to "
                        + MAX_PENDING_WINDOW_DAYS + " days, got " + days);
            }
            this.pendingWindowDays = days;
            return this;
        }

        /**
         * Signs deletion attestations with this Ed25519 key (class ED25519); default unsigned.
         *
         * @throws IllegalArgumentException if the key is not an Ed25519 private key
         */
        public Builder attestationSigningKey(PrivateKey key) {
            Objects.requireNonNull(key, "attestation signing key");
            try {
                KeyDeletionAttestation.signed("check", Instant.EPOCH, key);
            } catch (InvalidKeyException e) {
                throw new IllegalArgumentException("attestation signing key must be an Ed25519 private key, got "
                        + key.getAlgorithm());
            }
            this.signingKey = key;
            return this;
        }

        /**
         * Protects the store with this passphrase instead of {@value #PASSPHRASE_ENV}. The array
         * is copied; the copy is zeroed once the store is open.
         *
         * @throws IllegalArgumentException for an empty passphrase
         */
        public Builder passphrase(char[] passphrase) {
            Objects.requireNonNull(passphrase, "passphrase");
            if (passphrase.length == 0) {
                throw new IllegalArgumentException("passphrase is empty");
            }
            this.passphrase = passphrase.clone();
            return this;
        }

        /** How long to wait for a store locked by someone else before failing; default 2 s. */
        public Builder lockWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("lock wait is negative");
            }
            this.lockWait = wait;
            return this;
        }

        /**
         * PBKDF2 iterations for a passphrase store created by this builder (default 600,000);
         * an existing store keeps the count recorded in it.
         *
         * @throws IllegalArgumentException below 210,000
         */
        public Builder pbkdf2Iterations(int iterations) {
            if (iterations < StoreFile.MIN_ITERATIONS) {
                throw new IllegalArgumentException("PBKDF2 iterations must be at least " + StoreFile.MIN_ITERATIONS
                        + ", got " + iterations);
            }
            this.iterations = iterations;
            return this;
        }

        /**
         * Opens the store, creating the directory and an empty store if needed, and locks it
         * for the backend's lifetime.
         *
         * @throws KmsException ACCESS_DENIED for a wrong or missing passphrase, or a key file that
         *                      others can read or that belongs to another store; UNAVAILABLE when
         *                      another process or backend holds the store and does not release it
         *                      within the lock wait; BACKEND for a damaged or unreadable store
         */
        public LocalKmsBackend build() throws KmsException {
            char[] secret = passphrase;
            if (secret == null) {
                String env = System.getenv(PASSPHRASE_ENV);
                secret = env == null || env.isEmpty() ? null : env.toCharArray();
            }
            try {
                Path real;
                try {
                    Files.createDirectories(dir);
                    real = dir.toRealPath();
                } catch (IOException e) {
                    throw new KmsException(Reason.BACKEND, "cannot create or open local KMS store directory " + dir
                            + ": " + e, e);
                }
                StoreLock lock = StoreLock.acquire(real, lockWait);
                LocalKmsBackend backend;
                try {
                    StoreFile.Opened opened = StoreFile.open(real, secret, iterations, ADMIN_RANDOM);
                    backend = new LocalKmsBackend(this, real, lock, opened);
                } catch (KmsException | RuntimeException e) {
                    lock.close();
                    throw e;
                }
                try {
                    // Material whose deletion date has passed leaves the disk at the latest here.
                    backend.purgeExpired();
                } catch (KmsException | RuntimeException e) {
                    backend.close(); // releases the lock too
                    throw e;
                }
                return backend;
            } finally {
                if (secret != null) {
                    Arrays.fill(secret, '\0');
                }
                passphrase = null;
            }
        }
    }
}
