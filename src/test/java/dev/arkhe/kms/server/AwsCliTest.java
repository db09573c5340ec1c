package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.testing.LocalKms;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS CLI, an independent client, against the endpoint. */
@LocalKms
class AwsCliTest {

    private static final String AK = "AKIAAWSCLITEST000000";
    private static final String SK = "aws-cli-test-secret";

    @TempDir
    Path work;

    @BeforeAll
    static void cli() {
        AwsCli.requireCli();
    }

    private AwsCli.Result aws(URI endpoint, String... args) {
        return AwsCli.run(endpoint, AK, SK, work, args);
    }

    private static Map<?, ?> json(AwsCli.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return (Map<?, ?>) Json.parse(r.stdout().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keyLifecycleThroughTheAwsCli(URI endpoint) throws Exception {
        Map<?, ?> created = json(aws(endpoint, "kms", "create-key", "--description", "from the aws cli"));
        Map<?, ?> meta = (Map<?, ?>) created.get("KeyMetadata");
        String keyId = (String) meta.get("KeyId");
        assertThat(meta.get("KeyState")).isEqualTo("Enabled");
        assertThat(meta.get("Description")).isEqualTo("from the aws cli");

        Map<?, ?> described = (Map<?, ?>) json(aws(endpoint, "kms", "describe-key", "--key-id", keyId)).get("KeyMetadata");
        assertThat(described.get("Arn")).isEqualTo(meta.get("Arn"));

        Path plain = work.resolve("plain.txt");
        Files.writeString(plain, "attack at dawn");
        Map<?, ?> enc = json(aws(endpoint, "kms", "encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plain,
                "--encryption-context", "purpose=cli"));
        Path blob = work.resolve("blob.bin");
        Files.write(blob, Base64.getDecoder().decode((String) enc.get("CiphertextBlob")));

        Map<?, ?> dec = json(aws(endpoint, "kms", "decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "purpose=cli"));
        assertThat(new String(Base64.getDecoder().decode((String) dec.get("Plaintext")), StandardCharsets.UTF_8))
                .isEqualTo("attack at dawn");
        assertThat(dec.get("KeyId")).isEqualTo(meta.get("Arn"));

        assertThat(aws(endpoint, "kms", "disable-key", "--key-id", keyId).exitCode()).isZero();
        AwsCli.Result disabled = aws(endpoint, "kms", "decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "purpose=cli");
        assertThat(disabled.exitCode()).isNotZero();
        assertThat(disabled.stderr()).contains("DisabledException");

        Map<?, ?> scheduled = json(aws(endpoint, "kms", "schedule-key-deletion", "--key-id", keyId,
                "--pending-window-in-days", "7"));
        assertThat(scheduled.get("KeyState")).isEqualTo("PendingDeletion");
        assertThat(scheduled.get("DeletionDate")).isNotNull();
        AwsCli.Result pending = aws(endpoint, "kms", "encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plain);
        assertThat(pending.exitCode()).isNotZero();
        assertThat(pending.stderr()).contains("KMSInvalidStateException");
        AwsCli.Result again = aws(endpoint, "kms", "schedule-key-deletion", "--key-id", keyId);
        assertThat(again.stderr()).contains("KMSInvalidStateException");

        AwsCli.Result missing = aws(endpoint, "kms", "describe-key", "--key-id", "alias/does-not-exist");
        assertThat(missing.stderr()).contains("NotFoundException");
    }

    @Test
    void aliasesAndDataKeysThroughTheAwsCli(URI endpoint) throws Exception {
        String keyId = (String) ((Map<?, ?>) json(aws(endpoint, "kms", "create-key")).get("KeyMetadata")).get("KeyId");
        assertThat(aws(endpoint, "kms", "create-alias", "--alias-name", "alias/cli-test", "--target-key-id", keyId)
                .exitCode()).isZero();
        Map<?, ?> aliases = json(aws(endpoint, "kms", "list-aliases", "--key-id", keyId));
        assertThat(aliases.toString()).contains("alias/cli-test");
        Map<?, ?> dk = json(aws(endpoint, "kms", "generate-data-key", "--key-id", "alias/cli-test", "--key-spec", "AES_256"));
        assertThat(Base64.getDecoder().decode((String) dk.get("Plaintext"))).hasSize(32);
        Map<?, ?> keys = json(aws(endpoint, "kms", "list-keys"));
        assertThat(keys.toString()).contains(keyId);
        Map<?, ?> random = json(aws(endpoint, "kms", "generate-random", "--number-of-bytes", "16"));
        assertThat(Base64.getDecoder().decode((String) random.get("Plaintext"))).hasSize(16);
    }

    @Test
    void requireAuthThroughTheAwsCli(LocalKmsBackend backend) throws Exception {
        // A second endpoint over the same backend, requiring signatures with the CLI's keys.
        try (LocalKmsServer secured = LocalKmsServer.builder(backend).port(0).requireAuth(AK, SK).start()) {
            assertThat(aws(secured.endpoint(), "kms", "list-keys").exitCode()).isZero();
            AwsCli.Result wrongSecret = AwsCli.run(secured.endpoint(), AK, "not-the-secret", work, "kms", "list-keys");
            assertThat(wrongSecret.exitCode()).isNotZero();
            assertThat(wrongSecret.stderr()).contains("InvalidSignatureException");
            AwsCli.Result unknownKey = AwsCli.run(secured.endpoint(), "AKIAUNKNOWN000000000", SK, work, "kms", "list-keys");
            assertThat(unknownKey.stderr()).contains("UnrecognizedClientException");
            AwsCli.Result unsigned = AwsCli.run(secured.endpoint(), AK, SK, work, "kms", "list-keys", "--no-sign-request");
            assertThat(unsigned.stderr()).contains("MissingAuthenticationTokenException");
        }
    }
}
