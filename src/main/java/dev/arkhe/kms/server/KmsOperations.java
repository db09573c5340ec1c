package dev.arkhe.kms.server;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The KMS operations of the local endpoint, over a {@link LocalKmsBackend}.
 *
 * <p>Requests and responses follow the AWS KMS API reference; failures are the AWS error
 * types of the design's key-state table. Backend failures map by {@link KmsException.Reason}
 * (see {@link #toAws}); the few AWS distinctions the facade does not make (an existing alias,
 * a Decrypt with the wrong {@code KeyId}, cancelling a deletion that is not pending) are
 * checked here before calling the backend.
 *
 * <p>Automatic key rotation is recorded per key in memory only (the local KMS never rotates on
 * a schedule, so the flag has no effect but to be reported back); on-demand rotation adds
 * key material in the backend.
 */
final class KmsOperations {

    static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
    static final int DEFAULT_ROTATION_PERIOD_DAYS = 365;

    private static final Set<String> ENCRYPTION_ALGORITHMS =
            Set.of(SYMMETRIC_DEFAULT, "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE");
    private static final Set<String> KEY_USAGES = Set.of("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC",
            "KEY_AGREEMENT");
    private static final Set<String> KEY_SPECS = Set.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
            "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256",
            "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519");
    private static final Set<String> ORIGINS = Set.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE");
    private static final Set<String> DATA_KEY_SPECS = Set.of("AES_256", "AES_128");
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]{1,250}");
    /** A key id as this endpoint returns it: a lower-case UUID. */
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String ENCRYPTION_CONTEXT = "EncryptionContext";

    private final LocalKmsBackend backend;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Key ARN to rotation period in days, for keys with automatic rotation enabled. */
    private final Map<String, Integer> rotation = new ConcurrentHashMap<>();

    KmsOperations(LocalKmsBackend backend, Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Every supported operation by name. */
    Map<String, KmsOperation> all() {
        Map<String, KmsOperation> ops = new LinkedHashMap<>();
        ops.put("CreateKey", this::createKey);
        ops.put("DescribeKey", this::describeKey);
        ops.put("ListKeys", this::listKeys);
        ops.put("CreateAlias", this::createAlias);
        ops.put("UpdateAlias", this::updateAlias);
        ops.put("DeleteAlias", this::deleteAlias);
        ops.put("ListAliases", this::listAliases);
        ops.put("Encrypt", this::encrypt);
        ops.put("Decrypt", this::decrypt);
        ops.put("ReEncrypt", this::reEncrypt);
        ops.put("GenerateDataKey", r -> generateDataKey(r, true));
        ops.put("GenerateDataKeyWithoutPlaintext", r -> generateDataKey(r, false));
        ops.put("GenerateRandom", this::generateRandom);
        ops.put("ScheduleKeyDeletion", this::scheduleKeyDeletion);
        ops.put("CancelKeyDeletion", this::cancelKeyDeletion);
        ops.put("EnableKey", this::enableKey);
        ops.put("DisableKey", this::disableKey);
        ops.put("EnableKeyRotation", this::enableKeyRotation);
        ops.put("DisableKeyRotation", this::disableKeyRotation);
        ops.put("GetKeyRotationStatus", this::getKeyRotationStatus);
        ops.put("RotateKeyOnDemand", this::rotateKeyOnDemand);
        return ops;
    }

    // ---------------------------------------------------------------- keys

    private Map<String, Object> createKey(KmsRequest r) throws KmsRequestException {
        r.string("Policy", 1, 131072, false);
        String description = r.string("Description", 0, 8192, false);
        String usage = r.enumValue("KeyUsage", KEY_USAGES, false);
        String cmkSpec = r.enumValue("CustomerMasterKeySpec", KEY_SPECS, false);
        String keySpec = r.enumValue("KeySpec", KEY_SPECS, false);
        String origin = r.enumValue("Origin", ORIGINS, false);
        r.string("CustomKeyStoreId", 1, 64, false);
        r.bool("BypassPolicyLockoutSafetyCheck");
        Boolean multiRegion = r.bool("MultiRegion");
        r.string("XksKeyId", 1, 128, false);
        if (cmkSpec != null && keySpec != null) {
            throw KmsRequestException.validation("You cannot specify KeySpec and CustomerMasterKeySpec in the"
                    + " same request. CustomerMasterKeySpec is deprecated.");
        }
        String spec = keySpec != null ? keySpec : cmkSpec;
        if (usage != null && !usage.equals("ENCRYPT_DECRYPT") || spec != null && !spec.equals(SYMMETRIC_DEFAULT)) {
            throw unsupported("the local KMS creates only symmetric ENCRYPT_DECRYPT keys (KeySpec"
                    + " SYMMETRIC_DEFAULT)");
        }
        if (origin != null && !origin.equals("AWS_KMS")) {
            throw unsupported("the local KMS creates only keys with Origin AWS_KMS");
        }
        if (r.has("CustomKeyStoreId") || r.has("XksKeyId")) {
            throw unsupported("custom key stores are not supported by the local KMS");
        }
        if (Boolean.TRUE.equals(multiRegion)) {
            throw unsupported("multi-Region keys are not supported by the local KMS");
        }
        KekRef key = call(() -> backend.createKey(description));
        return Map.of("KeyMetadata", metadata(key));
    }

    private Map<String, Object> describeKey(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        r.grantTokens();
        return Map.of("KeyMetadata", metadata(key));
    }

    private Map<String, Object> metadata(KekRef key) throws KmsRequestException {
        KekInfo info = call(() -> backend.describeKek(key));
        String description = call(() -> backend.keyDescription(key));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AWSAccountId", accountOf(info.arn()));
        m.put("KeyId", keyIdOf(info.arn()));
        m.put("Arn", info.arn());
        m.put("CreationDate", info.creationDate());
        m.put("Enabled", info.state() == KekState.ENABLED);
        m.put("Description", description);
        m.put("KeyUsage", "ENCRYPT_DECRYPT");
        m.put("KeyState", keyState(info.state()));
        info.deletionDate().ifPresent(d -> m.put("DeletionDate", d));
        m.put("Origin", "AWS_KMS");
        m.put("KeyManager", "CUSTOMER");
        m.put("CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
        m.put("KeySpec", SYMMETRIC_DEFAULT);
        m.put("EncryptionAlgorithms", List.of(SYMMETRIC_DEFAULT));
        m.put("MultiRegion", false);
        return m;
    }

    private Map<String, Object> listKeys(KmsRequest r) throws KmsRequestException {
        Integer limit = r.integer("Limit", 1, 1000);
        String marker = r.string("Marker", 1, 1024, false);
        List<Map<String, Object>> all = new ArrayList<>();
        for (KekInfo info : backend.listKeys()) {
            all.add(Map.of("KeyId", keyIdOf(info.arn()), "KeyArn", info.arn()));
        }
        return page(all, "Keys", e -> (String) e.get("KeyId"), KEY_ID, limit, marker);
    }

    // ---------------------------------------------------------------- aliases

    private Map<String, Object> createAlias(KmsRequest r) throws KmsRequestException {
        String alias = aliasName(r);
        KekRef target = targetKey(r);
        if (backend.listAliases().containsKey(alias)) {
            throw new KmsRequestException(AwsErrorType.ALREADY_EXISTS, "An alias with the name "
                    + aliasArn(alias) + " already exists");
        }
        checkAliasTarget(target);
        call(() -> backend.createAlias(alias, target));
        return Map.of();
    }

    private Map<String, Object> updateAlias(KmsRequest r) throws KmsRequestException {
        String alias = aliasName(r);
        KekRef target = targetKey(r);
        if (!backend.listAliases().containsKey(alias)) {
            throw new KmsRequestException(AwsErrorType.NOT_FOUND, "Alias " + aliasArn(alias) + " is not found.");
        }
        checkAliasTarget(target);
        call(() -> backend.updateAlias(alias, target));
        return Map.of();
    }

    private Map<String, Object> deleteAlias(KmsRequest r) throws KmsRequestException {
        String alias = aliasName(r);
        if (!backend.listAliases().containsKey(alias)) {
            throw new KmsRequestException(AwsErrorType.NOT_FOUND, "Alias " + aliasArn(alias) + " is not found.");
        }
        call(() -> backend.deleteAlias(alias));
        return Map.of();
    }

    private Map<String, Object> listAliases(KmsRequest r) throws KmsRequestException {
        String keyId = r.keyId("KeyId", false);
        Integer limit = r.integer("Limit", 1, 1000);
        String marker = r.string("Marker", 1, 1024, false);
        String onlyArn = null;
        if (keyId != null) {
            KekRef key = keyRef(keyId);
            if (key.isAlias()) {
                throw new KmsRequestException(AwsErrorType.INVALID_ARN, "KeyId for ListAliases must be a key id"
                        + " or key ARN, not an alias");
            }
            onlyArn = call(() -> backend.describeKek(key)).arn();
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map.Entry<String, String> e : backend.listAliases().entrySet()) {
            if (onlyArn == null || onlyArn.equals(e.getValue())) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("AliasName", e.getKey());
                entry.put("AliasArn", aliasArn(e.getKey(), e.getValue()));
                entry.put("TargetKeyId", keyIdOf(e.getValue()));
                all.add(entry);
            }
        }
        return page(all, "Aliases", e -> (String) e.get("AliasName"), ALIAS_NAME, limit, marker);
    }

    private static String aliasName(KmsRequest r) throws KmsRequestException {
        String alias = r.string("AliasName", 1, 256, true);
        if (!alias.matches("[a-zA-Z0-9:/_-]+")) {
            throw KmsRequestException.validation("1 validation error detected: Value at 'aliasName' failed to"
                    + " satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }
        if (!ALIAS_NAME.matcher(alias).matches()) {
            throw new KmsRequestException(AwsErrorType.INVALID_ALIAS_NAME, "Alias must start with the prefix"
                    + " \"alias/\" followed by 1 to 250 of a-z A-Z 0-9 / _ -, got " + abbreviate(alias));
        }
        if (alias.startsWith("alias/aws/")) {
            throw new KmsRequestException(AwsErrorType.INVALID_ALIAS_NAME, "Alias names starting with alias/aws/"
                    + " are reserved for AWS managed keys");
        }
        return alias;
    }

    private static KekRef targetKey(KmsRequest r) throws KmsRequestException {
        KekRef target = keyRef(r.keyId("TargetKeyId", true));
        if (target.isAlias()) {
            throw KmsRequestException.validation("TargetKeyId must be a key id or key ARN, not an alias");
        }
        return target;
    }

    private void checkAliasTarget(KekRef target) throws KmsRequestException {
        KekInfo info = call(() -> backend.describeKek(target));
        if (info.state() == KekState.PENDING_DELETION) {
            throw invalidState(info, "an alias cannot point to it");
        }
    }

    // ---------------------------------------------------------------- cryptographic operations

    private Map<String, Object> encrypt(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        byte[] plaintext = r.blob("Plaintext", 1, 4096, true);
        try {
            EncryptionContext ctx = context(r, ENCRYPTION_CONTEXT);
            r.grantTokens();
            algorithm(r, "EncryptionAlgorithm");
            KekInfo info = usableKey(key);
            dryRun(r);
            Dek dek = Dek.of(plaintext, "RAW");
            try {
                byte[] blob = call(() -> backend.wrapDek(dek, key, ctx));
                return response("CiphertextBlob", blob, "KeyId", info.arn(), "EncryptionAlgorithm", SYMMETRIC_DEFAULT);
            } finally {
                dek.destroy();
            }
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Map<String, Object> decrypt(KmsRequest r) throws KmsRequestException {
        byte[] blob = r.blob("CiphertextBlob", 1, 6144, true);
        EncryptionContext ctx = context(r, ENCRYPTION_CONTEXT);
        r.grantTokens();
        String keyId = r.keyId("KeyId", false);
        algorithm(r, "EncryptionAlgorithm");
        noRecipient(r);
        KekRef key = encryptingKey(blob, keyId);
        KekInfo info = usableKey(key);
        dryRun(r);
        Dek dek = call(() -> backend.unwrapDek(blob, key, ctx));
        byte[] plaintext = dek.getEncoded();
        dek.destroy();
        return response("KeyId", info.arn(), "Plaintext", plaintext, "EncryptionAlgorithm", SYMMETRIC_DEFAULT);
    }

    private Map<String, Object> reEncrypt(KmsRequest r) throws KmsRequestException {
        byte[] blob = r.blob("CiphertextBlob", 1, 6144, true);
        EncryptionContext sourceCtx = context(r, "SourceEncryptionContext");
        String sourceKeyId = r.keyId("SourceKeyId", false);
        KekRef destination = keyRef(r.keyId("DestinationKeyId", true));
        EncryptionContext destinationCtx = context(r, "DestinationEncryptionContext");
        algorithm(r, "SourceEncryptionAlgorithm");
        algorithm(r, "DestinationEncryptionAlgorithm");
        r.grantTokens();
        KekRef source = encryptingKey(blob, sourceKeyId);
        KekInfo sourceInfo = usableKey(source);
        KekInfo destinationInfo = usableKey(destination);
        dryRun(r);
        Dek dek = call(() -> backend.unwrapDek(blob, source, sourceCtx));
        try {
            byte[] out = call(() -> backend.wrapDek(dek, destination, destinationCtx));
            return response("CiphertextBlob", out, "SourceKeyId", sourceInfo.arn(), "KeyId", destinationInfo.arn(),
                    "SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT, "DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT);
        } finally {
            dek.destroy();
        }
    }

    private Map<String, Object> generateDataKey(KmsRequest r, boolean withPlaintext) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        EncryptionContext ctx = context(r, ENCRYPTION_CONTEXT);
        Integer numberOfBytes = r.integer("NumberOfBytes", 1, 1024);
        String spec = r.enumValue("KeySpec", DATA_KEY_SPECS, false);
        r.grantTokens();
        if (withPlaintext) {
            noRecipient(r);
        }
        if ((numberOfBytes == null) == (spec == null)) {
            throw KmsRequestException.validation("Please specify either number of bytes or key spec.");
        }
        int length = numberOfBytes != null ? numberOfBytes : spec.equals("AES_128") ? 16 : 32;
        KekInfo info = usableKey(key);
        dryRun(r);
        byte[] plaintext = new byte[length];
        random.nextBytes(plaintext);
        Dek dek = Dek.of(plaintext, "AES");
        try {
            byte[] blob = call(() -> backend.wrapDek(dek, key, ctx));
            return withPlaintext
                    ? response("CiphertextBlob", blob, "Plaintext", plaintext, "KeyId", info.arn())
                    : response("CiphertextBlob", blob, "KeyId", info.arn());
        } finally {
            dek.destroy();
            if (!withPlaintext) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    private Map<String, Object> generateRandom(KmsRequest r) throws KmsRequestException {
        Integer n = r.integer("NumberOfBytes", 1, 1024);
        if (r.string("CustomKeyStoreId", 1, 64, false) != null) {
            throw unsupported("custom key stores are not supported by the local KMS");
        }
        noRecipient(r);
        if (n == null) {
            throw KmsRequestException.validation("1 validation error detected: Value at 'numberOfBytes' failed to"
                    + " satisfy constraint: Member must not be null");
        }
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return response("Plaintext", bytes);
    }

    // ---------------------------------------------------------------- key life cycle

    private Map<String, Object> scheduleKeyDeletion(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        Integer window = r.integer("PendingWindowInDays", 1, 365);
        int days = window == null ? 30 : window;
        if (days < LocalKmsBackend.MIN_PENDING_WINDOW_DAYS || days > LocalKmsBackend.MAX_PENDING_WINDOW_DAYS) {
            throw KmsRequestException.validation("PendingWindowInDays must be between "
                    + LocalKmsBackend.MIN_PENDING_WINDOW_DAYS + " and " + LocalKmsBackend.MAX_PENDING_WINDOW_DAYS
                    + ", got " + days);
        }
        KekInfo info = call(() -> backend.describeKek(key));
        if (info.state() == KekState.PENDING_DELETION) {
            throw invalidState(info, "it is already pending deletion");
        }
        KeyDeletionAttestation attestation = call(() -> backend.deleteKey(key, days));
        rotation.remove(info.arn());
        return response("KeyId", info.arn(), "DeletionDate", attestation.deletionDate(), "KeyState", "PendingDeletion",
                "PendingWindowInDays", days);
    }

    private Map<String, Object> cancelKeyDeletion(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        KekInfo info = call(() -> backend.describeKek(key));
        if (info.state() != KekState.PENDING_DELETION) {
            throw invalidState(info, "it is not pending deletion");
        }
        call(() -> backend.cancelKeyDeletion(key));
        return response("KeyId", info.arn());
    }

    private Map<String, Object> enableKey(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        call(() -> backend.enableKey(key));
        return Map.of();
    }

    private Map<String, Object> disableKey(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        call(() -> backend.disableKey(key));
        return Map.of();
    }

    private Map<String, Object> enableKeyRotation(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        Integer period = r.integer("RotationPeriodInDays", 90, 2560);
        KekInfo info = usableKey(key);
        rotation.put(info.arn(), period == null ? DEFAULT_ROTATION_PERIOD_DAYS : period);
        return Map.of();
    }

    private Map<String, Object> disableKeyRotation(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        KekInfo info = usableKey(key);
        rotation.remove(info.arn());
        return Map.of();
    }

    private Map<String, Object> getKeyRotationStatus(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        KekInfo info = call(() -> backend.describeKek(key));
        if (info.state() == KekState.PENDING_DELETION) {
            throw invalidState(info, "its rotation status is not available");
        }
        Integer period = rotation.get(info.arn());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("KeyRotationEnabled", period != null);
        out.put("KeyId", info.arn());
        if (period != null) {
            out.put("RotationPeriodInDays", period);
            out.put("NextRotationDate", clock.instant().plus(Duration.ofDays(period)));
        }
        return out;
    }

    private Map<String, Object> rotateKeyOnDemand(KmsRequest r) throws KmsRequestException {
        KekRef key = keyRef(r.keyId("KeyId", true));
        KekInfo info = usableKey(key);
        call(() -> backend.rotateKeyMaterial(key));
        return response("KeyId", keyIdOf(info.arn()));
    }

    // ---------------------------------------------------------------- helpers

    /** The key a blob was wrapped under; with {@code keyId}, it must be that key (IncorrectKeyException). */
    private KekRef encryptingKey(byte[] blob, String keyId) throws KmsRequestException {
        Optional<String> blobKeyArn = backend.wrappingKeyArn(blob);
        if (blobKeyArn.isEmpty()) {
            throw new KmsRequestException(AwsErrorType.INVALID_CIPHERTEXT,
                    "The ciphertext is not a blob of this KMS, or it is damaged");
        }
        if (keyId != null) {
            KekRef named = keyRef(keyId);
            KekInfo info = call(() -> backend.describeKek(named));
            if (!info.arn().equals(blobKeyArn.get())) {
                throw new KmsRequestException(AwsErrorType.INCORRECT_KEY, "The key ID in the request does not"
                        + " identify the KMS key that encrypted the ciphertext (" + info.arn() + ")");
            }
        }
        return KekRef.of(blobKeyArn.get());
    }

    /** The key's description, refusing disabled and pending keys as the key-state table says. */
    private KekInfo usableKey(KekRef key) throws KmsRequestException {
        KekInfo info = call(() -> backend.describeKek(key));
        switch (info.state()) {
            case DISABLED -> throw new KmsRequestException(AwsErrorType.DISABLED, info.arn() + " is disabled.");
            case PENDING_DELETION -> throw invalidState(info, "it is pending deletion");
            default -> {
                return info;
            }
        }
    }

    private static KmsRequestException invalidState(KekInfo info, String why) {
        return new KmsRequestException(AwsErrorType.INVALID_STATE, info.arn() + " is "
                + keyState(info.state()) + ": " + why + ".");
    }

    private static EncryptionContext context(KmsRequest r, String member) throws KmsRequestException {
        return EncryptionContext.of(r.stringMap(member));
    }

    private static void algorithm(KmsRequest r, String member) throws KmsRequestException {
        String algorithm = r.enumValue(member, ENCRYPTION_ALGORITHMS, false);
        if (algorithm != null && !algorithm.equals(SYMMETRIC_DEFAULT)) {
            throw new KmsRequestException(AwsErrorType.INVALID_KEY_USAGE, "The encryption algorithm " + algorithm
                    + " is not supported by symmetric keys; use SYMMETRIC_DEFAULT.");
        }
    }

    private static void dryRun(KmsRequest r) throws KmsRequestException {
        if (Boolean.TRUE.equals(r.bool("DryRun"))) {
            throw new KmsRequestException(AwsErrorType.DRY_RUN_OPERATION,
                    "The request would have succeeded, but the DryRun option is set.");
        }
    }

    private static void noRecipient(KmsRequest r) throws KmsRequestException {
        if (r.has("Recipient")) {
            throw unsupported("Recipient (Nitro Enclaves attestation) is not supported by the local KMS");
        }
    }

    private static KmsRequestException unsupported(String what) {
        return new KmsRequestException(AwsErrorType.UNSUPPORTED_OPERATION, what);
    }

    /**
     * Parses a KeyId member as AWS does: a malformed ARN is InvalidArnException, any other
     * malformed id NotFoundException ("Invalid keyId").
     */
    static KekRef keyRef(String keyId) throws KmsRequestException {
        try {
            return KekRef.of(keyId);
        } catch (IllegalArgumentException e) {
            if (keyId.startsWith("arn:")) {
                throw new KmsRequestException(AwsErrorType.INVALID_ARN, "Invalid arn " + abbreviate(keyId));
            }
            throw new KmsRequestException(AwsErrorType.NOT_FOUND, "Invalid keyId " + abbreviate(keyId));
        }
    }

    /**
     * Pages a list by a marker: the sort key of the last entry returned. Entries are sorted by
     * that key and a page resumes at the first key greater than the marker, so a marker stays
     * valid when its own entry is deleted (or purged) between pages; only a marker that cannot
     * be a sort key at all is refused.
     */
    private static Map<String, Object> page(List<Map<String, Object>> entries, String member,
                                            java.util.function.Function<Map<String, Object>, String> keyOf,
                                            Pattern markerFormat, Integer limit, String marker)
            throws KmsRequestException {
        List<Map<String, Object>> all = new ArrayList<>(entries);
        all.sort(java.util.Comparator.comparing(keyOf));
        int start = 0;
        if (marker != null) {
            if (!markerFormat.matcher(marker).matches()) {
                throw new KmsRequestException(AwsErrorType.INVALID_MARKER, "Marker " + abbreviate(marker)
                        + " is not a marker this endpoint returned");
            }
            while (start < all.size() && keyOf.apply(all.get(start)).compareTo(marker) <= 0) {
                start++;
            }
        }
        int n = limit == null ? 100 : limit;
        int end = Math.min(all.size(), start + n);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(member, all.subList(start, end));
        boolean truncated = end < all.size();
        out.put("Truncated", truncated);
        if (truncated) {
            out.put("NextMarker", keyOf.apply(all.get(end - 1)));
        }
        return out;
    }

    private static Map<String, Object> response(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** A backend call whose {@link KmsException} becomes the matching AWS error. */
    private <T> T call(BackendCall<T> c) throws KmsRequestException {
        try {
            return c.call();
        } catch (KmsException e) {
            throw toAws(e);
        }
    }

    private void call(BackendAction c) throws KmsRequestException {
        try {
            c.run();
        } catch (KmsException e) {
            throw toAws(e);
        }
    }

    @FunctionalInterface
    private interface BackendCall<T> {
        T call() throws KmsException;
    }

    @FunctionalInterface
    private interface BackendAction {
        void run() throws KmsException;
    }

    /**
     * The AWS error for a facade failure; the reverse of the design's error table. The
     * backend's messages name its store directory, which is nobody's business over HTTP: the
     * client gets the message without it.
     */
    KmsRequestException toAws(KmsException e) {
        AwsErrorType type = switch (e.reason()) {
            case KEK_NOT_FOUND -> AwsErrorType.NOT_FOUND;
            case KEK_DISABLED -> AwsErrorType.DISABLED;
            case KEK_PENDING_DELETION -> AwsErrorType.INVALID_STATE;
            case ACCESS_DENIED -> AwsErrorType.ACCESS_DENIED;
            case UNWRAP_FAILED -> AwsErrorType.INVALID_CIPHERTEXT;
            case INVALID_INPUT -> AwsErrorType.VALIDATION;
            case THROTTLED -> AwsErrorType.THROTTLING;
            case UNAVAILABLE -> AwsErrorType.DEPENDENCY_TIMEOUT;
            case BACKEND -> AwsErrorType.INTERNAL;
        };
        return new KmsRequestException(type, withoutStorePath(e.getMessage(), backend.directory()));
    }

    /**
     * {@code message} with the store directory removed: "KEK x not found in local KMS store
     * /dir" becomes "KEK x not found", and any other mention of the directory (a file in it, in
     * an I/O error) becomes "&lt;local store&gt;".
     */
    static String withoutStorePath(String message, java.nio.file.Path storeDir) {
        if (message == null) {
            return "";
        }
        String dir = storeDir.toString();
        return message.replace(" in local KMS store " + dir, "").replace(dir, "<local store>");
    }

    static String keyState(KekState state) {
        return switch (state) {
            case ENABLED -> "Enabled";
            case DISABLED -> "Disabled";
            case PENDING_DELETION -> "PendingDeletion";
        };
    }

    /** The key id (UUID) at the end of a key ARN. */
    static String keyIdOf(String keyArn) {
        return keyArn.substring(keyArn.lastIndexOf("key/") + 4);
    }

    private static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 ? parts[4] : "000000000000";
    }

    private String aliasArn(String aliasName) {
        List<KekInfo> keys = backend.listKeys();
        String anyKeyArn = keys.isEmpty() ? "arn:arkhe:kms:local:000000000000:key/x" : keys.get(0).arn();
        return aliasArn(aliasName, anyKeyArn);
    }

    private static String aliasArn(String aliasName, String keyArn) {
        return keyArn.substring(0, keyArn.lastIndexOf("key/")) + aliasName;
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
