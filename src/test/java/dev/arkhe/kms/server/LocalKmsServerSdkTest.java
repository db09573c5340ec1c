package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.testing.LocalKms;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CustomerMasterKeySpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/** Every operation of the endpoint, driven by the plain AWS SDK for Java v2 client. */
@LocalKms
class LocalKmsServerSdkTest {

    private static final Map<String, String> CTX = Map.of("tenant", "t1", "purpose", "test");

    private static String newKey(KmsClient kms) {
        return kms.createKey(r -> r.description("sdk test")).keyMetadata().keyId();
    }

    private static SdkBytes bytes(String s) {
        return SdkBytes.fromUtf8String(s);
    }

    @Test
    @SuppressWarnings("deprecation") // CustomerMasterKeySpec is deprecated, but older SDKs and CLIs still read it
    void createAndDescribeKey(KmsClient kms, URI endpoint) {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        KeyMetadata m = kms.createKey(r -> r.description("my key").keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                .keySpec(KeySpec.SYMMETRIC_DEFAULT)).keyMetadata();
        assertThat(UUID.fromString(m.keyId())).isNotNull();
        assertThat(m.arn()).endsWith(":key/" + m.keyId()).contains(":kms:");
        assertThat(m.creationDate()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(m.enabled()).isTrue();
        assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(m.description()).isEqualTo("my key");
        assertThat(m.keyUsage()).isEqualTo(KeyUsageType.ENCRYPT_DECRYPT);
        assertThat(m.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
        assertThat(m.customerMasterKeySpec()).isEqualTo(CustomerMasterKeySpec.SYMMETRIC_DEFAULT);
        assertThat(m.origin()).isEqualTo(OriginType.AWS_KMS);
        assertThat(m.keyManager()).isEqualTo(KeyManagerType.CUSTOMER);
        assertThat(m.encryptionAlgorithms()).containsExactly(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
        assertThat(m.deletionDate()).isNull();

        kms.createAlias(r -> r.aliasName("alias/describe-me").targetKeyId(m.keyId()));
        for (String id : List.of(m.keyId(), m.arn(), "alias/describe-me")) {
            assertThat(kms.describeKey(r -> r.keyId(id)).keyMetadata()).isEqualTo(m);
        }
        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void createKeyRefusesWhatTheLocalKmsCannotMake(KmsClient kms) {
        assertThatThrownBy(() -> kms.createKey(r -> r.keySpec(KeySpec.RSA_2048)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kms.createKey(r -> r.keyUsage(KeyUsageType.SIGN_VERIFY)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kms.createKey(r -> r.multiRegion(true)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kms.createKey(r -> r.description("x".repeat(8193))))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void unknownAndMalformedKeyIds(KmsClient kms) {
        String missing = UUID.randomUUID().toString();
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(missing)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("not a key"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/no-such-alias"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("arn:aws:kms:bad")))
                .isInstanceOf(software.amazon.awssdk.services.kms.model.InvalidArnException.class);
        assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(missing).plaintext(bytes("x"))))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void listKeysPaginates(KmsClient kms) {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(newKey(kms));
        }
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            ListKeysResponse page = kms.listKeys(r -> r.limit(2).marker(m));
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(2);
            page.keys().forEach(k -> {
                assertThat(k.keyArn()).endsWith(k.keyId());
                seen.add(k.keyId());
            });
            assertThat(page.truncated()).isEqualTo(page.nextMarker() != null);
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(seen).doesNotHaveDuplicates().containsAll(created);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        List<String> viaPaginator = kms.listKeysPaginator(r -> r.limit(3)).keys().stream().map(KeyListEntry::keyId).toList();
        assertThat(viaPaginator).containsExactlyElementsOf(seen);
        assertThatThrownBy(() -> kms.listKeys(r -> r.marker("bogus"))).isInstanceOf(InvalidMarkerException.class);
        assertThatThrownBy(() -> kms.listKeys(r -> r.limit(0)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void aliases(KmsClient kms) {
        String a = newKey(kms);
        String b = newKey(kms);
        kms.createAlias(r -> r.aliasName("alias/app/one").targetKeyId(a));
        kms.createAlias(r -> r.aliasName("alias/app/two").targetKeyId(a));
        assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("alias/app/one").targetKeyId(b)))
                .isInstanceOfSatisfying(AlreadyExistsException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("no-prefix").targetKeyId(b)))
                .isInstanceOf(InvalidAliasNameException.class);
        assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("alias/aws/reserved").targetKeyId(b)))
                .isInstanceOf(InvalidAliasNameException.class);
        assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("alias/x").targetKeyId(UUID.randomUUID().toString())))
                .isInstanceOf(NotFoundException.class);

        ListAliasesResponse forA = kms.listAliases(r -> r.keyId(a));
        assertThat(forA.aliases()).extracting(AliasListEntry::aliasName).containsExactly("alias/app/one", "alias/app/two");
        assertThat(forA.aliases().get(0).targetKeyId()).isEqualTo(a);
        assertThat(forA.aliases().get(0).aliasArn()).endsWith(":alias/app/one");

        kms.updateAlias(r -> r.aliasName("alias/app/two").targetKeyId(b));
        assertThat(kms.describeKey(r -> r.keyId("alias/app/two")).keyMetadata().keyId()).isEqualTo(b);
        assertThatThrownBy(() -> kms.updateAlias(r -> r.aliasName("alias/app/none").targetKeyId(b)))
                .isInstanceOf(NotFoundException.class);

        List<String> all = kms.listAliasesPaginator(r -> r.limit(1)).aliases().stream()
                .map(AliasListEntry::aliasName).toList();
        assertThat(all).contains("alias/app/one", "alias/app/two").doesNotHaveDuplicates();

        kms.deleteAlias(r -> r.aliasName("alias/app/one"));
        assertThatThrownBy(() -> kms.deleteAlias(r -> r.aliasName("alias/app/one"))).isInstanceOf(NotFoundException.class);
        assertThat(kms.listAliases(r -> r.keyId(a)).aliases()).isEmpty();
    }

    @Test
    void encryptDecrypt(KmsClient kms) {
        String key = newKey(kms);
        kms.createAlias(r -> r.aliasName("alias/enc").targetKeyId(key));
        String arn = kms.describeKey(r -> r.keyId(key)).keyMetadata().arn();
        EncryptResponse enc = kms.encrypt(r -> r.keyId("alias/enc").plaintext(bytes("hello")).encryptionContext(CTX));
        assertThat(enc.keyId()).isEqualTo(arn);
        assertThat(enc.encryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);

        // Without a KeyId: the blob says which key made it.
        DecryptResponse dec = kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(CTX));
        assertThat(dec.plaintext().asUtf8String()).isEqualTo("hello");
        assertThat(dec.keyId()).isEqualTo(arn);
        for (String id : List.of(key, arn, "alias/enc")) {
            assertThat(kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(CTX).keyId(id))
                    .plaintext().asUtf8String()).isEqualTo("hello");
        }

        String other = newKey(kms);
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(CTX)
                .keyId(other))).isInstanceOf(IncorrectKeyException.class);
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob())))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob())
                .encryptionContext(Map.of("tenant", "t2")))).isInstanceOf(InvalidCiphertextException.class);
        byte[] tampered = enc.ciphertextBlob().asByteArray();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(tampered)).encryptionContext(CTX)))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(bytes("not a blob at all"))))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(key).plaintext(bytes("x"))
                .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256))).isInstanceOf(InvalidKeyUsageException.class);
    }

    @Test
    void plaintextAndCiphertextLimits(KmsClient kms) {
        String key = newKey(kms);
        byte[] max = new byte[4096];
        EncryptResponse enc = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromByteArray(max)));
        assertThat(enc.ciphertextBlob().asByteArray().length).isLessThanOrEqualTo(6144);
        assertThat(kms.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob())).plaintext().asByteArray()).isEqualTo(max);
        for (byte[] bad : List.of(new byte[4097], new byte[0])) {
            assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromByteArray(bad))))
                    .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("ValidationException"));
        }
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(new byte[6145]))))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        List<String> eleven = java.util.Collections.nCopies(11, "token");
        assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(key).plaintext(bytes("x")).grantTokens(eleven)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("k".repeat(2049))))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void reEncryptMovesBetweenKeysAndContexts(KmsClient kms) {
        String from = newKey(kms);
        String to = newKey(kms);
        SdkBytes blob = kms.encrypt(r -> r.keyId(from).plaintext(bytes("secret")).encryptionContext(CTX)).ciphertextBlob();
        Map<String, String> newCtx = Map.of("tenant", "t9");
        ReEncryptResponse re = kms.reEncrypt(r -> r.ciphertextBlob(blob).sourceEncryptionContext(CTX)
                .destinationKeyId(to).destinationEncryptionContext(newCtx));
        assertThat(re.sourceKeyId()).endsWith(from);
        assertThat(re.keyId()).endsWith(to);
        assertThat(kms.decrypt(r -> r.ciphertextBlob(re.ciphertextBlob()).encryptionContext(newCtx)).plaintext()
                .asUtf8String()).isEqualTo("secret");
        assertThatThrownBy(() -> kms.reEncrypt(r -> r.ciphertextBlob(blob).sourceEncryptionContext(CTX)
                .sourceKeyId(to).destinationKeyId(to))).isInstanceOf(IncorrectKeyException.class);
    }

    @Test
    void generateDataKeys(KmsClient kms) {
        String key = newKey(kms);
        GenerateDataKeyResponse dk = kms.generateDataKey(r -> r.keyId(key).keySpec(DataKeySpec.AES_256).encryptionContext(CTX));
        assertThat(dk.plaintext().asByteArray()).hasSize(32);
        assertThat(kms.decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(CTX)).plaintext())
                .isEqualTo(dk.plaintext());
        assertThat(kms.generateDataKey(r -> r.keyId(key).keySpec(DataKeySpec.AES_128)).plaintext().asByteArray()).hasSize(16);
        assertThat(kms.generateDataKey(r -> r.keyId(key).numberOfBytes(64)).plaintext().asByteArray()).hasSize(64);
        assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId(key)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId(key).numberOfBytes(1025)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));

        SdkBytes blob = kms.generateDataKeyWithoutPlaintext(r -> r.keyId(key).keySpec(DataKeySpec.AES_256))
                .ciphertextBlob();
        assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asByteArray()).hasSize(32);
        assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId(key).keySpec(DataKeySpec.AES_256).dryRun(true)))
                .isInstanceOfSatisfying(DryRunOperationException.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }

    @Test
    void generateRandom(KmsClient kms) {
        byte[] a = kms.generateRandom(r -> r.numberOfBytes(1024)).plaintext().asByteArray();
        byte[] b = kms.generateRandom(r -> r.numberOfBytes(1024)).plaintext().asByteArray();
        assertThat(a).hasSize(1024).isNotEqualTo(b);
        assertThatThrownBy(() -> kms.generateRandom(r -> r.numberOfBytes(1025)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void deletionLifecycle(KmsClient kms) {
        String key = newKey(kms);
        Instant now = Instant.now();
        ScheduleKeyDeletionResponse s = kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(10));
        assertThat(s.keyId()).endsWith(key);
        assertThat(s.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(s.pendingWindowInDays()).isEqualTo(10);
        assertThat(s.deletionDate()).isBetween(now.plusSeconds(10 * 86400 - 5), now.plusSeconds(10 * 86400 + 5));
        KeyMetadata m = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(m.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(m.enabled()).isFalse();
        assertThat(m.deletionDate()).isEqualTo(s.deletionDate());
        assertThat(kms.cancelKeyDeletion(r -> r.keyId(key)).keyId()).endsWith(key);
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        for (int bad : new int[] {6, 31}) {
            assertThatThrownBy(() -> kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(bad)))
                    .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("ValidationException"));
        }
        // The default window is 30 days, as in AWS.
        assertThat(kms.scheduleKeyDeletion(r -> r.keyId(key)).pendingWindowInDays()).isEqualTo(30);
    }

    @Test
    void enableDisable(KmsClient kms) {
        String key = newKey(kms);
        kms.disableKey(r -> r.keyId(key));
        kms.disableKey(r -> r.keyId(key));
        KeyMetadata m = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(m.enabled()).isFalse();
        assertThat(m.keyState()).isEqualTo(KeyState.DISABLED);
        kms.enableKey(r -> r.keyId(key));
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    }

    @Test
    void servesConcurrentClients(KmsClient kms) throws Exception {
        String key = newKey(kms);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 25; i++) {
                        String text = "thread " + thread + " message " + i;
                        SdkBytes blob = kms.encrypt(r -> r.keyId(key).plaintext(bytes(text))
                                .encryptionContext(Map.of("n", Integer.toString(thread)))).ciphertextBlob();
                        String back = kms.decrypt(r -> r.ciphertextBlob(blob)
                                .encryptionContext(Map.of("n", Integer.toString(thread)))).plaintext().asUtf8String();
                        ok += back.equals(text) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : results) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(25);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rotation(KmsClient kms) {
        String key = newKey(kms);
        GetKeyRotationStatusResponse off = kms.getKeyRotationStatus(r -> r.keyId(key));
        assertThat(off.keyRotationEnabled()).isFalse();
        kms.enableKeyRotation(r -> r.keyId(key).rotationPeriodInDays(180));
        GetKeyRotationStatusResponse on = kms.getKeyRotationStatus(r -> r.keyId(key));
        assertThat(on.keyRotationEnabled()).isTrue();
        assertThat(on.rotationPeriodInDays()).isEqualTo(180);
        assertThat(on.nextRotationDate()).isAfter(Instant.now());
        assertThatThrownBy(() -> kms.enableKeyRotation(r -> r.keyId(key).rotationPeriodInDays(89)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        kms.disableKeyRotation(r -> r.keyId(key));
        assertThat(kms.getKeyRotationStatus(r -> r.keyId(key)).keyRotationEnabled()).isFalse();

        SdkBytes before = kms.encrypt(r -> r.keyId(key).plaintext(bytes("old"))).ciphertextBlob();
        assertThat(kms.rotateKeyOnDemand(r -> r.keyId(key)).keyId()).isEqualTo(key);
        SdkBytes after = kms.encrypt(r -> r.keyId(key).plaintext(bytes("new"))).ciphertextBlob();
        assertThat(kms.decrypt(r -> r.ciphertextBlob(before)).plaintext().asUtf8String()).isEqualTo("old");
        assertThat(kms.decrypt(r -> r.ciphertextBlob(after)).plaintext().asUtf8String()).isEqualTo("new");
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyId()).isEqualTo(key);
    }
}
