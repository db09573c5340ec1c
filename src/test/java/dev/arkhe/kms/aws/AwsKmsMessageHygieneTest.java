package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.testsupport.MotoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** Failures that happen while plaintext key bytes are in play never show them, in any encoding. */
@ExtendWith(MotoServer.PerClass.class)
class AwsKmsMessageHygieneTest {

    private static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String OTHER_ARN = "arn:aws:kms:us-east-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab";
    private static final byte[] SECRET = HexFormat.of().parseHex(
            "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");

    @Test
    void failuresWithPlaintextInHandNeverShowItInTheExceptionOrItsStackTrace() {
        List<KmsException> failures = new ArrayList<>();
        FakeKmsClient fake = new FakeKmsClient();
        // Decrypt under another key: the plaintext has arrived but must be refused.
        fake.decrypt = r -> DecryptResponse.builder().keyId(OTHER_ARN).plaintext(SdkBytes.fromByteArray(SECRET)).build();
        // GenerateDataKey with a plaintext of the wrong size.
        fake.generateDataKey = r -> GenerateDataKeyResponse.builder().keyId(ARN)
                .plaintext(SdkBytes.fromByteArray(SECRET)).ciphertextBlob(SdkBytes.fromByteArray(new byte[50])).build();
        // Encrypt failing after the plaintext was sent.
        fake.encrypt = r -> {
            throw NotFoundException.builder().message("Key does not exist").statusCode(400).build();
        };
        try (AwsKmsBackend backend = AwsKmsBackend.wrapping(fake)) {
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.unwrapDek(new byte[60], KekRef.of(ARN))));
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.generateDek(KekRef.of(ARN), 128, EncryptionContext.empty())));
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.wrapDek(Dek.of(SECRET), KekRef.of(ARN))));
        }

        assertThat(failures).hasSize(3).doesNotContainNull();
        failures.forEach(AwsKmsMessageHygieneTest::assertNoSecret);
    }

    @Test
    void failuresFromARealServerNeverShowTheKeyBeingWrapped(MotoServer moto) throws Exception {
        List<KmsException> failures = new ArrayList<>();
        String keyId;
        try (KmsClient plain = moto.newClient()) {
            keyId = plain.createKey(r -> r.description("hygiene")).keyMetadata().keyId();
        }
        EncryptionContext ctx = EncryptionContext.of(Map.of("tenant", "h"));
        try (AwsKmsBackend backend = moto.backendBuilder().build()) {
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.wrapDek(Dek.of(SECRET), KekRef.of(UUID.randomUUID().toString()), ctx)));
            byte[] wrapped = backend.wrapDek(Dek.of(SECRET), KekRef.of(keyId), ctx);
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.unwrapDek(wrapped, KekRef.of(keyId), EncryptionContext.empty())));
            wrapped[wrapped.length - 1] ^= 1;
            failures.add(catchThrowableOfType(KmsException.class,
                    () -> backend.unwrapDek(wrapped, KekRef.of(keyId), ctx)));
        }

        assertThat(failures).hasSize(3).doesNotContainNull();
        failures.forEach(AwsKmsMessageHygieneTest::assertNoSecret);
    }

    private static void assertNoSecret(KmsException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String all = trace.toString();
        assertThat(all).contains(e.getMessage());
        for (String encoding : List.of(
                HexFormat.of().formatHex(SECRET),
                HexFormat.of().withUpperCase().formatHex(SECRET),
                Base64.getEncoder().encodeToString(SECRET),
                Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET),
                // A prefix catches truncated dumps too.
                HexFormat.of().formatHex(SECRET).substring(0, 16),
                Base64.getEncoder().encodeToString(SECRET).substring(0, 16))) {
            assertThat(all).as("stack trace of %s", e.getMessage()).doesNotContainIgnoringCase(encoding);
        }
    }
}
