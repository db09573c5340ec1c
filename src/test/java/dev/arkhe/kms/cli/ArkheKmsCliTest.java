package dev.arkhe.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

class ArkheKmsCliTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArkheKmsCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private String store() {
        return tmp.resolve("store").toString();
    }

    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s*(\\S+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }

    @Test
    void envelopeCommands() throws Exception {
        Run created = cli("create-key", "--store", store(), "--description", "cli test", "--alias", "alias/cli");
        assertThat(created.code()).as(created.err()).isZero();
        String arn = created.out().lines().findFirst().orElseThrow();
        assertThat(KekRef.of(arn).kind()).isEqualTo(KekRef.Kind.KEY_ARN);
        Run other = cli("create-key", "--store", store());
        String otherArn = other.out().strip();

        Run described = cli("describe", "--store", store(), "--kek", "alias/cli");
        assertThat(described.code()).isZero();
        assertThat(field(described.out(), "arn")).isEqualTo(arn);
        assertThat(field(described.out(), "state")).isEqualTo("ENABLED");

        Run dek = cli("generate-dek", "--store", store(), "--kek", "alias/cli", "-c", "tenant=t1");
        assertThat(dek.code()).as(dek.err()).isZero();
        assertThat(field(dek.out(), "kek")).isEqualTo(arn);
        String wrapped = field(dek.out(), "wrapped");

        Path key = tmp.resolve("key.bin");
        byte[] material = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        Files.write(key, material);
        Run wrap = cli("wrap", "--store", store(), "--kek", arn, "--key-file", key.toString());
        assertThat(wrap.code()).as(wrap.err()).isZero();
        String wrappedKey = field(wrap.out(), "wrapped");

        Path opened = tmp.resolve("opened.bin");
        Run unwrap = cli("unwrap", "--store", store(), "--kek", arn, "--wrapped", wrappedKey, "--out", opened.toString());
        assertThat(unwrap.code()).as(unwrap.err()).isZero();
        assertThat(Files.readAllBytes(opened)).isEqualTo(material);
        assertThat(unwrap.out()).doesNotContain(HexFormat.of().formatHex(material));
        Run exists = cli("unwrap", "--store", store(), "--kek", arn, "--wrapped", wrappedKey, "--out", opened.toString());
        assertThat(exists.code()).isEqualTo(2);

        Run rewrap = cli("rewrap", "--store", store(), "--from", arn, "--to", otherArn, "--wrapped", wrapped,
                "-c", "tenant=t1");
        assertThat(rewrap.code()).as(rewrap.err()).isZero();
        Path reopened = tmp.resolve("reopened.bin");
        Path wrappedFile = tmp.resolve("wrapped.b64");
        Files.writeString(wrappedFile, field(rewrap.out(), "wrapped") + "\n");
        assertThat(cli("unwrap", "--store", store(), "--kek", otherArn, "--wrapped-file", wrappedFile.toString(),
                "-c", "tenant=t1", "--out", reopened.toString()).code()).isZero();
        assertThat(Files.readAllBytes(reopened)).hasSize(32);

        Run deleted = cli("delete-key", "--store", store(), "--kek", "alias/cli");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(field(deleted.out(), "kek")).isEqualTo(arn);
        assertThat(field(deleted.out(), "signature-class")).isEqualTo("NONE");
        assertThat(field(deleted.out(), "payload")).hasSize(64);
        assertThat(cli("delete-key", "--store", store(), "--kek", arn).out()).isEqualTo(deleted.out());

        Run pending = cli("generate-dek", "--store", store(), "--kek", arn);
        assertThat(pending.code()).isEqualTo(4);
        assertThat(pending.err()).contains("KEK_PENDING_DELETION");
    }

    @Test
    void exitCodes() throws Exception {
        String arn = cli("create-key", "--store", store()).out().strip();
        assertThat(cli("describe", "--store", store(), "--kek", UUID.randomUUID().toString()).code()).isEqualTo(3);
        assertThat(cli("describe", "--store", store(), "--kek", "not a key id").code()).isEqualTo(2);
        assertThat(cli("describe", "--store", store()).code()).isEqualTo(2); // missing --kek
        assertThat(cli("no-such-command").code()).isEqualTo(2);
        assertThat(cli().code()).isEqualTo(2);
        assertThat(cli("unwrap", "--store", store(), "--kek", arn, "--wrapped", "!!!", "--out",
                tmp.resolve("x").toString()).code()).isEqualTo(2);
        Run garbage = cli("unwrap", "--store", store(), "--kek", arn, "--wrapped", "AAAA", "--out",
                tmp.resolve("y").toString());
        assertThat(garbage.code()).isEqualTo(2);
        assertThat(garbage.err()).contains("UNWRAP_FAILED");
        assertThat(Files.exists(tmp.resolve("y"))).isFalse();
        try (LocalKmsBackend backend = LocalKmsBackend.open(tmp.resolve("store"))) {
            backend.disableKey(KekRef.of(arn));
        }
        Run disabled = cli("generate-dek", "--store", store(), "--kek", arn);
        assertThat(disabled.code()).isEqualTo(4);
        assertThat(disabled.err()).contains("KEK_DISABLED").contains(arn);
        assertThat(cli("generate-dek", "--store", store(), "--kek", arn, "--bits", "192").code()).isEqualTo(2);
    }

    @Test
    void keyCommandsThroughAnEndpoint() throws Exception {
        // The SDK's default credential chain reads these system properties.
        System.setProperty("aws.accessKeyId", "AKIACLIENDPOINT00000");
        System.setProperty("aws.secretAccessKey", "cli-endpoint-secret");
        try (LocalKmsBackend backend = LocalKmsBackend.open(tmp.resolve("served"));
             dev.arkhe.kms.server.LocalKmsServer server = dev.arkhe.kms.server.LocalKmsServer.start(backend, 0)) {
            String url = server.endpoint().toString();
            Run created = cli("create-key", "--endpoint", url, "--alias", "alias/remote");
            assertThat(created.code()).as(created.err()).isZero();
            String arn = created.out().lines().findFirst().orElseThrow();
            assertThat(backend.describeKek(KekRef.of(arn)).arn()).isEqualTo(arn);
            Run dek = cli("generate-dek", "--endpoint", url, "--kek", "alias/remote");
            assertThat(dek.code()).as(dek.err()).isZero();
            assertThat(field(dek.out(), "kek")).isEqualTo(arn);
            Run described = cli("describe", "--endpoint", url, "--kek", arn);
            assertThat(field(described.out(), "state")).isEqualTo("ENABLED");
            assertThat(cli("delete-key", "--endpoint", url, "--kek", arn).code()).isZero();
            assertThat(field(cli("describe", "--endpoint", url, "--kek", arn).out(), "state"))
                    .isEqualTo("PENDING_DELETION");
            assertThat(cli("describe", "--endpoint", url, "--kek", UUID.randomUUID().toString()).code()).isEqualTo(3);
            assertThat(cli("describe", "--endpoint", url, "--store", store(), "--kek", arn).code()).isEqualTo(2);
            assertThat(cli("describe", "--endpoint", "ftp://x", "--kek", arn).code()).isEqualTo(2);
            // Nothing listens on port 1: the KMS cannot be reached.
            Run unreachable = cli("describe", "--endpoint", "http://127.0.0.1:1", "--kek", UUID.randomUUID().toString());
            assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(4);
            assertThat(unreachable.err()).contains("UNAVAILABLE");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void helpForEveryCommand() {
        for (String command : new String[] {"serve", "create-key", "generate-dek", "wrap", "unwrap", "rewrap",
                "delete-key", "describe", "demo"}) {
            Run help = cli(command, "--help");
            assertThat(help.code()).isZero();
            assertThat(help.out()).contains("Usage: arkhe-kms " + command);
        }
        Run top = cli("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("Exit codes").contains("serve").contains("demo");
    }

    @Test
    void demoShredsTheRecords() {
        Run demo = cli("demo");
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("KeyGenerator \"KmsDataKey\"")
                .contains("Cipher \"KmsKeyWrap\"")
                .contains("alice@example.org")
                .contains("KEK_PENDING_DELETION")
                .contains("KEK_NOT_FOUND")
                .contains("signature-class ED25519")
                .contains("verifies under the demo's Ed25519 public key: true")
                .doesNotContain("UNEXPECTED");
    }

    @Test
    void serveAnswersTheSdkAndStops() throws Exception {
        ServeCommand serve = new ServeCommand();
        picocli.CommandLine cl = new picocli.CommandLine(serve);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        Thread t = new Thread(() -> cl.execute("--store", store(), "--port", "0", "--require-auth", "AKIASERVE:secret"));
        t.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (serve.server == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(serve.server).isNotNull();
        URI endpoint = serve.server.endpoint();
        try (KmsClient kms = KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASERVE", "secret")))
                .httpClient(UrlConnectionHttpClient.create()).build();
             KmsClient wrong = KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASERVE", "nope")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            assertThat(kms.createKey(r -> { }).keyMetadata().keyId()).isNotEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(wrong::listKeys).isInstanceOf(KmsException.class);
        } finally {
            serve.stop.countDown();
            t.join(10_000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(out.toString()).contains("AWS KMS API at " + endpoint).contains("stopped");
        assertThat(out.toString()).doesNotContain("secret");
        assertThat(cli("serve", "--store", store(), "--require-auth", "nocolon").code()).isEqualTo(2);
    }
}
