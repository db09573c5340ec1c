package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.testing.LocalKms;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** The AWS backend of this library, unchanged, against the local endpoint. */
@LocalKms
class AwsKmsBackendOverServerTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("subject", "s-1"));

    private static KekRef newKek(KmsClient kms, String alias) {
        String id = kms.createKey(r -> r.description("aws backend test")).keyMetadata().keyId();
        if (alias != null) {
            kms.createAlias(r -> r.aliasName(alias).targetKeyId(id));
            return KekRef.of(alias);
        }
        return KekRef.of(id);
    }

    @Test
    void generateWrapUnwrapRewrap(AwsKmsBackend aws, KmsClient kms, LocalKmsBackend local) throws Exception {
        KekRef kek = newKek(kms, "alias/aws-backend-a");
        KekRef other = newKek(kms, null);
        DataKey dk = aws.generateDek(kek, CTX);
        String arn = kms.describeKey(r -> r.keyId("alias/aws-backend-a")).keyMetadata().arn();
        assertThat(dk.kekArn()).isEqualTo(arn);
        Dek opened = aws.unwrapDek(dk.wrapped(), kek, CTX);
        assertThat(opened.getEncoded()).isEqualTo(dk.getEncoded());
        // The endpoint's blobs are the local backend's own format: it opens them directly too.
        assertThat(local.unwrapDek(dk.wrapped(), KekRef.of(arn), CTX).getEncoded()).isEqualTo(dk.getEncoded());

        byte[] wrapped = aws.wrapDek(Dek.of(new byte[16]), kek, CTX);
        assertThat(aws.unwrapDek(wrapped, kek, CTX).getEncoded()).isEqualTo(new byte[16]);
        byte[] moved = aws.rewrapDek(wrapped, kek, other, CTX);
        assertThat(aws.unwrapDek(moved, other, CTX).getEncoded()).isEqualTo(new byte[16]);

        assertThatThrownBy(() -> aws.unwrapDek(moved, kek, CTX)).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.reason()).isEqualTo(KmsException.Reason.UNWRAP_FAILED));
        assertThatThrownBy(() -> aws.unwrapDek(wrapped, kek, EncryptionContext.empty()))
                .isInstanceOfSatisfying(KmsException.class,
                        e -> assertThat(e.reason()).isEqualTo(KmsException.Reason.UNWRAP_FAILED));
        assertThatThrownBy(() -> aws.generateDek(KekRef.of(UUID.randomUUID().toString())))
                .isInstanceOfSatisfying(KmsException.class,
                        e -> assertThat(e.reason()).isEqualTo(KmsException.Reason.KEK_NOT_FOUND));
        aws.rotateKek(kek, other);
    }

    @Test
    void describeDisableAndDelete(AwsKmsBackend aws, KmsClient kms) throws Exception {
        KekRef kek = newKek(kms, null);
        DataKey dk = aws.generateDek(kek, CTX);
        KekInfo info = aws.describeKek(kek);
        assertThat(info.state()).isEqualTo(KekState.ENABLED);
        assertThat(info.arn()).endsWith(kek.id());

        kms.disableKey(r -> r.keyId(kek.id()));
        assertThat(aws.describeKek(kek).state()).isEqualTo(KekState.DISABLED);
        assertThatThrownBy(() -> aws.unwrapDek(dk.wrapped(), kek, CTX)).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.reason()).isEqualTo(KmsException.Reason.KEK_DISABLED));
        kms.enableKey(r -> r.keyId(kek.id()));

        KeyDeletionAttestation attestation = aws.deleteKey(kek);
        KekInfo pending = aws.describeKek(kek);
        assertThat(pending.state()).isEqualTo(KekState.PENDING_DELETION);
        assertThat(pending.deletionDate()).contains(attestation.deletionDate());
        assertThat(attestation.kekArn()).isEqualTo(info.arn());
        assertThat(aws.deleteKey(kek).payload()).isEqualTo(attestation.payload());
        assertThatThrownBy(() -> aws.unwrapDek(dk.wrapped(), kek, CTX)).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.reason()).isEqualTo(KmsException.Reason.KEK_PENDING_DELETION));
    }
}
