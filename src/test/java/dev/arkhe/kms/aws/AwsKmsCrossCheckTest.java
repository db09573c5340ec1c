package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.testsupport.MotoServer;
import dev.arkhe.kms.testsupport.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The wire format is the raw KMS ciphertext blob: checked against independent parties, a
 * plain SDK client and the AWS CLI, in both directions.
 */
@ExtendWith(MotoServer.PerClass.class)
class AwsKmsCrossCheckTest {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "t-7", "table", "users"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private static MotoServer moto;
    private static KmsClient plain;
    private static AwsKmsBackend backend;
    private static KeyMetadata keyA;
    private static KeyMetadata keyB;

    @BeforeAll
    static void setUp(MotoServer server) {
        moto = server;
        plain = server.newClient();
        backend = server.backendBuilder().build();
        keyA = plain.createKey(r -> r.description("cross-check A")).keyMetadata();
        keyB = plain.createKey(r -> r.description("cross-check B")).keyMetadata();
    }

    @AfterAll
    static void tearDown() {
        if (backend != null) {
            backend.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void generatedDataKeyDecryptsWithAPlainSdkClientToTheSameBytes() throws Exception {
        DataKey dk = backend.generateDek(KekRef.of(keyA.arn()), CTX);

        byte[] opened = plain.decrypt(r -> r.keyId(keyA.arn()).ciphertextBlob(SdkBytes.fromByteArray(dk.wrapped()))
                .encryptionContext(CTX.asMap())).plaintext().asByteArray();

        assertThat(opened).isEqualTo(dk.getEncoded());
    }

    @Test
    void wrappedKeyDecryptsWithAPlainSdkClientToTheSameBytes() throws Exception {
        byte[] material = random(32);

        byte[] wrapped = backend.wrapDek(Dek.of(material), KekRef.of(keyA.keyId()), CTX);
        var response = plain.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                .encryptionContext(CTX.asMap()));

        assertThat(response.plaintext().asByteArray()).isEqualTo(material);
        assertThat(response.keyId()).isEqualTo(keyA.arn());
    }

    @Test
    void keyEncryptedByAPlainSdkClientUnwraps() throws Exception {
        byte[] material = random(32);
        byte[] wrapped = plain.encrypt(r -> r.keyId(keyA.keyId()).plaintext(SdkBytes.fromByteArray(material))
                .encryptionContext(CTX.asMap())).ciphertextBlob().asByteArray();

        assertThat(backend.unwrapDek(wrapped, KekRef.of(keyA.arn()), CTX).getEncoded()).isEqualTo(material);
    }

    @Test
    void rewrappedKeyDecryptsWithAPlainSdkClientUnderTheDestinationKey() throws Exception {
        byte[] material = random(16);
        byte[] wrapped = plain.encrypt(r -> r.keyId(keyA.keyId()).plaintext(SdkBytes.fromByteArray(material))
                .encryptionContext(CTX.asMap())).ciphertextBlob().asByteArray();

        byte[] rewrapped = backend.rewrapDek(wrapped, KekRef.of(keyA.keyId()), KekRef.of(keyB.keyId()), CTX);
        var response = plain.decrypt(r -> r.keyId(keyB.keyId()).ciphertextBlob(SdkBytes.fromByteArray(rewrapped))
                .encryptionContext(CTX.asMap()));

        assertThat(response.plaintext().asByteArray()).isEqualTo(material);
        assertThat(response.keyId()).isEqualTo(keyB.arn());
    }

    @Test
    void wrappedKeyDecryptsWithTheAwsCli(@TempDir Path dir) throws Exception {
        Path aws = Tools.awsCli();
        byte[] material = random(32);
        byte[] wrapped = backend.wrapDek(Dek.of(material), KekRef.of(keyA.arn()), CTX);
        Path blob = Files.write(dir.resolve("wrapped.bin"), wrapped);

        String plaintextB64 = runAws(aws, dir, "kms", "decrypt", "--key-id", keyA.arn(),
                "--ciphertext-blob", "fileb://" + blob, "--encryption-context", cliContext(CTX),
                "--query", "Plaintext", "--output", "text");

        assertThat(Base64.getDecoder().decode(plaintextB64.trim())).isEqualTo(material);
    }

    @Test
    void keyEncryptedByTheAwsCliUnwraps(@TempDir Path dir) throws Exception {
        Path aws = Tools.awsCli();
        byte[] material = random(32);
        Path plaintext = Files.write(dir.resolve("plain.bin"), material);

        String blobB64 = runAws(aws, dir, "kms", "encrypt", "--key-id", keyA.keyId(),
                "--plaintext", "fileb://" + plaintext, "--encryption-context", cliContext(CTX),
                "--query", "CiphertextBlob", "--output", "text");
        Files.delete(plaintext);

        byte[] wrapped = Base64.getDecoder().decode(blobB64.trim());
        assertThat(backend.unwrapDek(wrapped, KekRef.of(keyA.keyId()), CTX).getEncoded()).isEqualTo(material);
    }

    // ------------------------------------------------------------------------------------

    /** The CLI's shorthand for a string map: {@code k1=v1,k2=v2}. */
    private static String cliContext(EncryptionContext ctx) {
        return ctx.asMap().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** Runs the CLI against moto with dummy credentials and no user configuration. */
    private static String runAws(Path aws, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(aws.toString(), "--endpoint-url", moto.endpoint().toString(),
                "--region", MotoServer.REGION));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("aws.out").toFile()).redirectError(dir.resolve("aws.err").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_ACCESS_KEY);
        env.put("AWS_DEFAULT_REGION", MotoServer.REGION);
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws CLI did not finish within 120 s");
        }
        String out = Files.readString(dir.resolve("aws.out"), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("aws CLI exited with " + p.exitValue() + ": "
                    + Files.readString(dir.resolve("aws.err"), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
