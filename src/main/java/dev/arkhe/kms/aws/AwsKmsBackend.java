package dev.arkhe.kms.aws;

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
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * {@link KmsBackend} over AWS KMS, through one synchronous AWS SDK v2 {@link KmsClient}.
 *
 * <p><b>Wire formats.</b> A wrapped key is the raw KMS {@code CiphertextBlob}, so any AWS SDK
 * or the AWS CLI can decrypt it with the same KEK and encryption context.
 * {@link DataKey#kekArn()} is the key ARN KMS reported, never an alias.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Thread-safe: one instance (and its one client) serves all threads.</li>
 *   <li>{@link #generateDek}, {@link #wrapDek}, {@link #unwrapDek}, {@link #rewrapDek} and
 *       {@link #describeKek} each make exactly one KMS request (plus the SDK's retries);
 *       {@link #deleteKey} makes two or three; {@link #rotateKek} two.</li>
 *   <li>Unwrapping pins the KEK: Decrypt and ReEncrypt always send the KEK as {@code KeyId},
 *       and when the KEK is given as a key id or key ARN the key KMS reports must be that key,
 *       else {@link Reason#UNWRAP_FAILED}.</li>
 *   <li>Local checks (sizes, destroyed keys) fail with {@link Reason#INVALID_INPUT} or
 *       {@link Reason#UNWRAP_FAILED} before any request is sent.</li>
 *   <li>Every SDK failure becomes a {@link KmsException} with the reason from the design's
 *       table and the SDK exception as its cause; messages name the operation and the KEK and
 *       never contain key material.</li>
 *   <li>Plaintext buffers the SDK hands back are zeroed after they are copied into a
 *       {@link Dek}; copies the SDK makes internally while (un)marshalling cannot be reached.</li>
 * </ul>
 *
 * <p>Null KEKs, keys and blobs throw {@link NullPointerException}; a null
 * {@link EncryptionContext} means the empty context. After {@link #close()} every operation
 * throws {@link IllegalStateException}.
 */
public final class AwsKmsBackend implements KmsBackend {

    /** Largest ciphertext blob KMS produces. */
    static final int MAX_CIPHERTEXT_LENGTH = 6144;

    private final KmsClient client;
    /** The HTTP client this backend created, closed with it; null for an adopted KmsClient. */
    private final SdkHttpClient ownedHttpClient;
    private final boolean ownsClient;
    private final int pendingWindowDays;
    private final PrivateKey signingKey;
    private final List<String> grantTokens;
    /** Shared with every {@link #withGrantTokens} view, so that closing this backend stops them too. */
    private final AtomicBoolean closed;
    /** True for a {@link #withGrantTokens} view, whose {@link #close()} does nothing. */
    private final boolean view;

    private AwsKmsBackend(KmsClient client, SdkHttpClient ownedHttpClient, boolean ownsClient,
                          int pendingWindowDays, PrivateKey signingKey, List<String> grantTokens) {
        this(client, ownedHttpClient, ownsClient, pendingWindowDays, signingKey, grantTokens, new AtomicBoolean(),
                false);
    }

    private AwsKmsBackend(KmsClient client, SdkHttpClient ownedHttpClient, boolean ownsClient,
                          int pendingWindowDays, PrivateKey signingKey, List<String> grantTokens,
                          AtomicBoolean closed, boolean view) {
        this.closed = closed;
        this.view = view;
        this.client = client;
        this.ownedHttpClient = ownedHttpClient;
        this.ownsClient = ownsClient;
        this.pendingWindowDays = pendingWindowDays;
        this.signingKey = signingKey;
        this.grantTokens = grantTokens;
    }

    /** A builder for a backend that creates (and owns) its own {@link KmsClient}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A backend over a client the caller built and keeps owning: {@link #close()} does not close
     * it. Defaults: 7-day deletion window, unsigned attestations, no grant tokens.
     */
    public static AwsKmsBackend wrapping(KmsClient client) {
        return builder().kmsClient(client).build();
    }

    @Override
    public DataKey generateDek(KekRef kek, int keySizeBits, EncryptionContext ctx) throws KmsException {
        final String op = "generateDek";
        checkOpen();
        Objects.requireNonNull(kek, "kek");
        EncryptionContext context = orEmpty(ctx);
        DataKeySpec spec;
        if (keySizeBits == 256) {
            spec = DataKeySpec.AES_256;
        } else if (keySizeBits == 128) {
            spec = DataKeySpec.AES_128;
        } else {
            throw new KmsException(Reason.INVALID_INPUT, op + " with KEK " + kek.id()
                    + " failed: key size must be 128 or 256 bits, got " + keySizeBits);
        }
        GenerateDataKeyResponse response;
        try {
            response = client.generateDataKey(r -> r.keyId(kek.id()).keySpec(spec)
                    .encryptionContext(context.asMap()).grantTokens(grantTokens));
        } catch (RuntimeException e) {
            throw AwsErrorMapping.map(op, kek.id(), e);
        }
        byte[] plaintext = unsafeBytes(response.plaintext());
        try {
            byte[] wrapped = response.ciphertextBlob() == null ? null : response.ciphertextBlob().asByteArray();
            String arn = response.keyId();
            if (plaintext == null || plaintext.length != keySizeBits / 8 || wrapped == null || wrapped.length == 0
                    || arn == null) {
                throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                        + " failed: KMS returned an incomplete response (plaintext "
                        + (plaintext == null ? "missing" : plaintext.length + " bytes") + ", ciphertext "
                        + (wrapped == null ? "missing" : wrapped.length + " bytes") + ", key id "
                        + (arn == null ? "missing" : arn) + ")");
            }
            return DataKey.of(plaintext, wrapped, arn, context);
        } finally {
            wipe(plaintext);
        }
    }

    @Override
    public byte[] wrapDek(Dek dek, KekRef kek, EncryptionContext ctx) throws KmsException {
        final String op = "wrapDek";
        checkOpen();
        Objects.requireNonNull(dek, "dek");
        Objects.requireNonNull(kek, "kek");
        EncryptionContext context = orEmpty(ctx);
        byte[] material;
        try {
            material = dek.getEncoded();
        } catch (IllegalStateException destroyed) {
            throw new KmsException(Reason.INVALID_INPUT, op + " with KEK " + kek.id()
                    + " failed: the key has been destroyed", destroyed);
        }
        try {
            if (material == null || material.length < Dek.MIN_LENGTH || material.length > Dek.MAX_LENGTH) {
                throw new KmsException(Reason.INVALID_INPUT, op + " with KEK " + kek.id() + " failed: key must be "
                        + Dek.MIN_LENGTH + " to " + Dek.MAX_LENGTH + " bytes, got "
                        + (material == null ? "none" : material.length));
            }
            // Unsafe wrapping avoids one more copy of the plaintext that we could not wipe.
            SdkBytes plaintext = SdkBytes.fromByteArrayUnsafe(material);
            EncryptResponse response;
            try {
                response = client.encrypt(r -> r.keyId(kek.id()).plaintext(plaintext)
                        .encryptionContext(context.asMap()).grantTokens(grantTokens));
            } catch (RuntimeException e) {
                throw AwsErrorMapping.map(op, kek.id(), e);
            }
            if (response.ciphertextBlob() == null || response.ciphertextBlob().asByteArrayUnsafe().length == 0) {
                throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                        + " failed: KMS returned no ciphertext");
            }
            return response.ciphertextBlob().asByteArray();
        } finally {
            wipe(material);
        }
    }

    @Override
    public Dek unwrapDek(byte[] wrapped, KekRef kek, EncryptionContext ctx) throws KmsException {
        final String op = "unwrapDek";
        checkOpen();
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(kek, "kek");
        EncryptionContext context = orEmpty(ctx);
        checkWrappedLength(op, kek.id(), wrapped);
        DecryptResponse response;
        try {
            SdkBytes blob = SdkBytes.fromByteArray(wrapped);
            response = client.decrypt(r -> r.keyId(kek.id()).ciphertextBlob(blob)
                    .encryptionContext(context.asMap()).grantTokens(grantTokens));
        } catch (RuntimeException e) {
            throw AwsErrorMapping.map(op, kek.id(), e);
        }
        byte[] plaintext = unsafeBytes(response.plaintext());
        try {
            if (!isSameKey(kek, response.keyId())) {
                throw new KmsException(Reason.UNWRAP_FAILED, op + " with KEK " + kek.id()
                        + " failed: KMS decrypted under another key (" + response.keyId() + ")");
            }
            if (plaintext == null || plaintext.length < Dek.MIN_LENGTH || plaintext.length > Dek.MAX_LENGTH) {
                throw new KmsException(Reason.UNWRAP_FAILED, op + " with KEK " + kek.id()
                        + " failed: unwrapped key must be " + Dek.MIN_LENGTH + " to " + Dek.MAX_LENGTH
                        + " bytes, got " + (plaintext == null ? "none" : plaintext.length));
            }
            return Dek.of(plaintext, "AES");
        } finally {
            wipe(plaintext);
        }
    }

    @Override
    public byte[] rewrapDek(byte[] wrapped, KekRef from, KekRef to, EncryptionContext ctx) throws KmsException {
        final String op = "rewrapDek";
        checkOpen();
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        EncryptionContext context = orEmpty(ctx);
        String keks = from.id() + " to " + to.id();
        checkWrappedLength(op, keks, wrapped);
        ReEncryptResponse response;
        try {
            SdkBytes blob = SdkBytes.fromByteArray(wrapped);
            Map<String, String> pairs = context.asMap();
            response = client.reEncrypt(r -> r.ciphertextBlob(blob).sourceKeyId(from.id()).destinationKeyId(to.id())
                    .sourceEncryptionContext(pairs).destinationEncryptionContext(pairs).grantTokens(grantTokens));
        } catch (RuntimeException e) {
            throw AwsErrorMapping.map(op, keks, e);
        }
        if (!isSameKey(from, response.sourceKeyId())) {
            throw new KmsException(Reason.UNWRAP_FAILED, op + " with KEK " + keks
                    + " failed: KMS decrypted under another key (" + response.sourceKeyId() + ")");
        }
        if (response.ciphertextBlob() == null || response.ciphertextBlob().asByteArrayUnsafe().length == 0) {
            throw new KmsException(Reason.BACKEND, op + " with KEK " + keks + " failed: KMS returned no ciphertext");
        }
        return response.ciphertextBlob().asByteArray();
    }

    /**
     * Schedules deletion with the configured pending window (KMS ScheduleKeyDeletion) and
     * attests it. The key is described first: a key already pending deletion is not scheduled
     * again (moto would move its date; AWS refuses with KMSInvalidStateException), and the
     * attestation is for the existing date. A KMSInvalidStateException from the schedule call
     * (another caller won a race) is resolved the same way. Needs kms:DescribeKey and
     * kms:ScheduleKeyDeletion.
     */
    @Override
    public KeyDeletionAttestation deleteKey(KekRef kek) throws KmsException {
        final String op = "deleteKey";
        checkOpen();
        Objects.requireNonNull(kek, "kek");
        KeyMetadata before = describe(op, kek);
        if (isPendingDeletion(before)) {
            return attest(op, kek, before.arn(), before.deletionDate());
        }
        // ScheduleKeyDeletion takes no alias, and moto 5.2.1 fails (HTTP 500) on a key ARN: send
        // the key id that DescribeKey resolved, which every implementation accepts.
        String keyId = before.keyId() != null ? before.keyId() : kek.id();
        ScheduleKeyDeletionResponse response;
        try {
            response = client.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(pendingWindowDays));
        } catch (KmsInvalidStateException e) {
            KeyMetadata now = describe(op, kek);
            if (isPendingDeletion(now)) {
                return attest(op, kek, now.arn(), now.deletionDate());
            }
            throw AwsErrorMapping.map(op, kek.id(), e);
        } catch (RuntimeException e) {
            throw AwsErrorMapping.map(op, kek.id(), e);
        }
        // AWS answers with the key ARN; moto with the bare key id, so fall back to the ARN we
        // described (the same key: the schedule call named it by the same identifier).
        String arn = response.keyId() != null && response.keyId().startsWith("arn:") ? response.keyId() : before.arn();
        Instant date = response.deletionDate();
        if (date == null) {
            KeyMetadata now = describe(op, kek);
            if (!isPendingDeletion(now)) {
                throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                        + " failed: KMS reported no deletion date and the key is " + now.keyStateAsString());
            }
            date = now.deletionDate();
        }
        return attest(op, kek, arn, date);
    }

    @Override
    public void rotateKek(KekRef oldKek, KekRef newKek) throws KmsException {
        final String op = "rotateKek";
        checkOpen();
        Objects.requireNonNull(oldKek, "oldKek");
        Objects.requireNonNull(newKek, "newKek");
        if (oldKek.id().equals(newKek.id())) {
            throw new KmsException(Reason.INVALID_INPUT, op + " with KEK " + oldKek.id()
                    + " failed: the old and the new KEK are the same key");
        }
        KeyMetadata oldMeta = describe(op, oldKek);
        KeyMetadata newMeta = describe(op, newKek);
        // Two names (id, ARN, alias) can denote one key; compare what KMS resolved them to.
        if (oldMeta.arn() != null && oldMeta.arn().equals(newMeta.arn())) {
            throw new KmsException(Reason.INVALID_INPUT, op + " with KEK " + oldKek.id() + " and " + newKek.id()
                    + " failed: both refer to the same key " + oldMeta.arn());
        }
        checkUsableForRotation(op, oldKek, oldMeta);
        checkUsableForRotation(op, newKek, newMeta);
    }

    /**
     * Describes the KEK (KMS DescribeKey). KMS states map as follows: Enabled to ENABLED,
     * Disabled to DISABLED, PendingDeletion (and PendingReplicaDeletion with a date) to
     * PENDING_DELETION; every other state (PendingImport, Unavailable, Creating, Updating, or
     * one added later) to DISABLED, because the key exists but cryptographic operations on it
     * fail until something changes.
     */
    @Override
    public KekInfo describeKek(KekRef kek) throws KmsException {
        final String op = "describeKek";
        checkOpen();
        Objects.requireNonNull(kek, "kek");
        KeyMetadata meta = describe(op, kek);
        if (meta.arn() == null || meta.creationDate() == null) {
            throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                    + " failed: KMS returned no ARN or creation date");
        }
        KekState state = stateOf(meta);
        return new KekInfo(meta.arn(), state, meta.creationDate(),
                state == KekState.PENDING_DELETION ? Optional.of(meta.deletionDate()) : Optional.empty());
    }

    /**
     * A view of this backend that sends {@code tokens} instead of the configured grant tokens
     * with every request. The view shares this backend's client, settings and closed state:
     * once this backend is closed every call on the view throws {@link IllegalStateException};
     * closing the view closes nothing.
     *
     * @throws IllegalArgumentException for more than 10 tokens or an empty token
     */
    public AwsKmsBackend withGrantTokens(List<String> tokens) {
        checkOpen();
        List<String> validated = new Builder().grantTokens(tokens).grantTokens;
        return new AwsKmsBackend(client, null, false, pendingWindowDays, signingKey, validated, closed, true);
    }

    /**
     * Closes the client if this backend created it (not one adopted with {@link #wrapping} or
     * {@link Builder#kmsClient}). The backend holds no key material of its own. Idempotent.
     */
    @Override
    public void close() {
        if (view || !closed.compareAndSet(false, true)) {
            return;
        }
        if (ownsClient) {
            try {
                client.close();
            } finally {
                // The SDK does not close an HTTP client that was handed to its builder.
                if (ownedHttpClient != null) {
                    ownedHttpClient.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "AwsKmsBackend[" + (ownsClient ? "own client" : "adopted client") + (closed.get() ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------

    private KeyMetadata describe(String op, KekRef kek) throws KmsException {
        try {
            KeyMetadata meta = client.describeKey(r -> r.keyId(kek.id()).grantTokens(grantTokens)).keyMetadata();
            if (meta == null) {
                throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id() + " failed: no key metadata");
            }
            return meta;
        } catch (RuntimeException e) {
            throw AwsErrorMapping.map(op, kek.id(), e);
        }
    }

    private static KekState stateOf(KeyMetadata meta) {
        String state = meta.keyStateAsString();
        if ("Enabled".equals(state)) {
            return KekState.ENABLED;
        }
        if (isPendingDeletion(meta)) {
            return KekState.PENDING_DELETION;
        }
        return KekState.DISABLED;
    }

    private static boolean isPendingDeletion(KeyMetadata meta) {
        String state = meta.keyStateAsString();
        return ("PendingDeletion".equals(state) || "PendingReplicaDeletion".equals(state))
                && meta.deletionDate() != null;
    }

    private static void checkUsableForRotation(String op, KekRef kek, KeyMetadata meta) throws KmsException {
        String prefix = op + " with KEK " + kek.id() + " failed: ";
        switch (stateOf(meta)) {
            case ENABLED -> { }
            case PENDING_DELETION -> throw new KmsException(Reason.KEK_PENDING_DELETION,
                    prefix + "the key is pending deletion");
            default -> throw new KmsException(Reason.KEK_DISABLED,
                    prefix + "the key is not enabled (" + meta.keyStateAsString() + ")");
        }
        // A SYMMETRIC_DEFAULT key can only be ENCRYPT_DECRYPT; moto omits KeyUsage, so a missing
        // usage is accepted for that spec while any other stated usage is not.
        if (meta.keySpec() != KeySpec.SYMMETRIC_DEFAULT
                || (meta.keyUsage() != null && meta.keyUsage() != KeyUsageType.ENCRYPT_DECRYPT)) {
            throw new KmsException(Reason.INVALID_INPUT, prefix + "the key is " + meta.keySpecAsString() + " for "
                    + meta.keyUsageAsString() + ", not a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key");
        }
    }

    private KeyDeletionAttestation attest(String op, KekRef kek, String arn, Instant date) throws KmsException {
        if (arn == null || date == null) {
            throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                    + " failed: KMS reported no key ARN or deletion date");
        }
        if (signingKey == null) {
            return KeyDeletionAttestation.unsigned(arn, date);
        }
        try {
            return KeyDeletionAttestation.signed(arn, date, signingKey);
        } catch (InvalidKeyException e) {
            // The builder test-signs with the key, so this means the key changed under us.
            throw new KmsException(Reason.BACKEND, op + " with KEK " + kek.id()
                    + " failed: the attestation signing key was rejected", e);
        }
    }

    /**
     * Whether KMS's answer names the pinned key. Only key ids and key ARNs can be compared
     * without another request; for aliases KMS itself resolved the name we pinned.
     */
    private static boolean isSameKey(KekRef kek, String reported) {
        switch (kek.kind()) {
            case KEY_ARN:
                return kek.id().equals(reported);
            case KEY_ID:
                if (reported == null) {
                    return false;
                }
                return reported.equalsIgnoreCase(kek.id())
                        || reported.regionMatches(true, reported.length() - kek.id().length() - 5,
                        ":key/" + kek.id(), 0, kek.id().length() + 5);
            default:
                return true;
        }
    }

    private static void checkWrappedLength(String op, String keks, byte[] wrapped) throws KmsException {
        if (wrapped.length == 0 || wrapped.length > MAX_CIPHERTEXT_LENGTH) {
            throw new KmsException(Reason.UNWRAP_FAILED, op + " with KEK " + keks + " failed: a wrapped key is 1 to "
                    + MAX_CIPHERTEXT_LENGTH + " bytes, got " + wrapped.length);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("AwsKmsBackend is closed");
        }
    }

    private static EncryptionContext orEmpty(EncryptionContext ctx) {
        return ctx == null ? EncryptionContext.empty() : ctx;
    }

    /** The SDK's own array behind the bytes (no copy), so that we can wipe it afterwards. */
    private static byte[] unsafeBytes(SdkBytes bytes) {
        return bytes == null ? null : bytes.asByteArrayUnsafe();
    }

    private static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Configures an {@link AwsKmsBackend}. Building performs no network I/O: credentials are
     * resolved on the first request. Not thread-safe; use one builder per thread.
     */
    public static final class Builder {

        private String region;
        private URI endpoint;
        private AwsCredentialsProvider credentialsProvider;
        private Integer maxAttempts;
        private Duration apiCallTimeout;
        private Duration apiCallAttemptTimeout;
        private int pendingWindowDays = 7;
        private PrivateKey signingKey;
        private List<String> grantTokens = List.of();
        private KmsClient kmsClient;

        private Builder() {
        }

        /**
         * The AWS region, for example {@code "eu-central-1"}. When unset, the region comes from
         * the {@code aws.region} system property, the {@code AWS_REGION} environment variable or
         * the AWS profile file; the EC2 instance-metadata lookup of the SDK's default chain is
         * skipped because it is network I/O.
         */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /** Sends requests to this endpoint instead of the region's (a VPC endpoint, a local KMS, moto). */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Where credentials come from; the SDK's default provider chain when unset. */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
            return this;
        }

        /**
         * Attempts per call, first try included, for the SDK's standard retry strategy
         * (exponential backoff with jitter; throttling and transient errors are retried).
         * Default: the strategy's own (3). {@code 1} disables retries.
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Upper bound on a whole call, retries included; unbounded (SDK default) when unset. */
        public Builder apiCallTimeout(Duration timeout) {
            this.apiCallTimeout = requirePositive(timeout, "apiCallTimeout");
            return this;
        }

        /** Upper bound on each HTTP attempt; unbounded (SDK default) when unset. */
        public Builder apiCallAttemptTimeout(Duration timeout) {
            this.apiCallAttemptTimeout = requirePositive(timeout, "apiCallAttemptTimeout");
            return this;
        }

        /** The ScheduleKeyDeletion waiting period, 7 to 30 days; default 7. */
        public Builder pendingWindowDays(int days) {
            if (days < 7 || days > 30) {
                throw new IllegalArgumentException("pendingWindowDays must be 7 to 30, got " + days);
            }
            this.pendingWindowDays = days;
            return this;
        }

        /** An Ed25519 private key to sign deletion attestations with; unsigned (class NONE) when unset. */
        public Builder attestationSigningKey(PrivateKey signingKey) {
            this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
            return this;
        }

        /** Grant tokens sent with every request that accepts them (at most 10, as KMS allows). */
        public Builder grantTokens(List<String> grantTokens) {
            Objects.requireNonNull(grantTokens, "grantTokens");
            if (grantTokens.size() > 10) {
                throw new IllegalArgumentException("KMS accepts at most 10 grant tokens, got " + grantTokens.size());
            }
            for (String token : grantTokens) {
                requireText(token, "grant token");
            }
            this.grantTokens = List.copyOf(grantTokens);
            return this;
        }

        /**
         * Adopts a client the caller built and keeps owning: the backend's {@link #close()} does
         * not close it. Cannot be combined with region, endpoint, credentials, retry or timeout
         * settings, which belong to the client.
         */
        public Builder kmsClient(KmsClient client) {
            this.kmsClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @throws IllegalStateException    when no region can be determined, or when an adopted
         *                                  client is combined with client settings
         * @throws IllegalArgumentException when the signing key is not an Ed25519 private key
         */
        public AwsKmsBackend build() {
            if (signingKey != null) {
                checkSigningKey(signingKey);
            }
            if (kmsClient != null) {
                if (region != null || endpoint != null || credentialsProvider != null || maxAttempts != null
                        || apiCallTimeout != null || apiCallAttemptTimeout != null) {
                    throw new IllegalStateException("an adopted KmsClient carries its own region, endpoint,"
                            + " credentials, retries and timeouts; configure them on the client");
                }
                return new AwsKmsBackend(kmsClient, null, false, pendingWindowDays, signingKey, grantTokens);
            }
            Region resolvedRegion = region != null ? Region.of(region) : defaultRegion();
            SdkHttpClient http = UrlConnectionHttpClient.builder().build();
            try {
                KmsClientBuilder b = KmsClient.builder().httpClient(http).region(resolvedRegion);
                if (endpoint != null) {
                    b.endpointOverride(endpoint);
                }
                if (credentialsProvider != null) {
                    b.credentialsProvider(credentialsProvider);
                }
                b.overrideConfiguration(o -> {
                    var retry = AwsRetryStrategy.standardRetryStrategy().toBuilder();
                    if (maxAttempts != null) {
                        retry.maxAttempts(maxAttempts);
                    }
                    o.retryStrategy(retry.build());
                    if (apiCallTimeout != null) {
                        o.apiCallTimeout(apiCallTimeout);
                    }
                    if (apiCallAttemptTimeout != null) {
                        o.apiCallAttemptTimeout(apiCallAttemptTimeout);
                    }
                });
                return new AwsKmsBackend(b.build(), http, true, pendingWindowDays, signingKey, grantTokens);
            } catch (RuntimeException e) {
                http.close();
                throw e;
            }
        }

        private static Region defaultRegion() {
            try {
                return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                        .getRegion();
            } catch (RuntimeException e) {
                throw new IllegalStateException("no AWS region: call region(...), or set AWS_REGION or the"
                        + " aws.region system property, or a region in the AWS profile", e);
            }
        }

        private static void checkSigningKey(PrivateKey key) {
            try {
                // Sign once now so that a wrong key fails at configuration, not at the first deletion.
                KeyDeletionAttestation.signed("arn:aws:kms:us-east-1:000000000000:key/probe", Instant.EPOCH, key);
            } catch (InvalidKeyException e) {
                throw new IllegalArgumentException("attestationSigningKey must be an Ed25519 private key, got "
                        + key.getAlgorithm(), e);
            }
        }

        private static String requireText(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isBlank()) {
                throw new IllegalArgumentException(what + " is blank");
            }
            return s;
        }

        private static Duration requirePositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
