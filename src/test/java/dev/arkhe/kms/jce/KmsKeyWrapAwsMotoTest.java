package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.testsupport.MotoServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.ProviderException;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The provider through the standard JCE API over the AWS backend, against moto_server, with
 * a plain SDK client as the independent party.
 */
@ExtendWith(MotoServer.PerClass.class)
class KmsKeyWrapAwsMotoTest {

    private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "record", "42");

    private static MotoServer moto;
    private static KmsClient plain;
    private static AwsKmsBackend backend;
    private static Provider provider;
    private static KeyMetadata key;
    private static KeyMetadata otherKey;
    private static KekRef kek;

    @BeforeAll
    static void setUp(MotoServer server) {
        moto = server;
        plain = server.newClient();
        key = plain.createKey(r -> r.description("jce over aws")).keyMetadata();
        otherKey = plain.createKey(r -> r.description("another")).keyMetadata();
        plain.createAlias(r -> r.aliasName("alias/jce-orders").targetKeyId(key.keyId()));
        kek = KekRef.of(key.arn());
        backend = server.backendBuilder().build();
        provider = new ArkheKmsProvider(backend, KekRef.of("alias/jce-orders"));
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

    private static Cipher cipher(int mode, KekRef ref, KmsParameterSpec spec) throws Exception {
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        cipher.init(mode, ref, spec);
        return cipher;
    }

    private static SecretKey aesKey(int bits) throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(bits);
        return generator.generateKey();
    }

    @Test
    void whatCipherWrapProducesAPlainSdkDecryptOpens() throws Exception {
        SecretKey original = aesKey(256);
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, new KmsParameterSpec(CONTEXT)).wrap(original);
        byte[] opened = plain.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                .keyId(key.arn()).encryptionContext(CONTEXT)).plaintext().asByteArray();
        assertThat(opened).isEqualTo(original.getEncoded());
    }

    @Test
    void aesAndEcPrivateKeysRoundTrip() throws Exception {
        KmsParameterSpec spec = new KmsParameterSpec(CONTEXT);
        for (int bits : new int[] {128, 256}) {
            SecretKey original = aesKey(bits);
            byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, spec).wrap(original);
            Key back = cipher(Cipher.UNWRAP_MODE, kek, spec).unwrap(wrapped, "AES", Cipher.SECRET_KEY);
            assertThat(back.getEncoded()).isEqualTo(original.getEncoded());
        }
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = ec.generateKeyPair();
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, spec).wrap(pair.getPrivate());
        Key back = cipher(Cipher.UNWRAP_MODE, kek, spec).unwrap(wrapped, "EC", Cipher.PRIVATE_KEY);
        assertThat(back.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void keyGeneratorDataKeyUnwrapsAndPlainSdkDecryptsToTheSameBytes() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
        generator.init(new KmsKeyGenParameterSpec(KekRef.of("alias/jce-orders"), 256, CONTEXT));
        DataKey dataKey = (DataKey) generator.generateKey();
        assertThat(dataKey.kekArn()).isEqualTo(key.arn());
        Key back = cipher(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(CONTEXT))
                .unwrap(dataKey.wrapped(), "AES", Cipher.SECRET_KEY);
        assertThat(back.getEncoded()).isEqualTo(dataKey.getEncoded());
        byte[] opened = plain.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(dataKey.wrapped()))
                .encryptionContext(CONTEXT)).plaintext().asByteArray();
        assertThat(opened).isEqualTo(dataKey.getEncoded());
    }

    @Test
    void keyGeneratorInitWithSizeUsesTheDefaultKekAlias() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
        generator.init(128);
        DataKey dataKey = (DataKey) generator.generateKey();
        assertThat(dataKey.getEncoded()).hasSize(16);
        assertThat(dataKey.kekArn()).isEqualTo(key.arn());
    }

    @Test
    void wrongContextIsAnInvalidKeyExceptionWithTheKmsCause() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, new KmsParameterSpec(CONTEXT)).wrap(aesKey(256));
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(Map.of("tenant", "other")));
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class)
                .cause().isInstanceOf(KmsException.class)
                .extracting(c -> ((KmsException) c).reason()).isEqualTo(KmsException.Reason.UNWRAP_FAILED);
    }

    @Test
    void wrongKekIsAnInvalidKeyException() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, new KmsParameterSpec(CONTEXT)).wrap(aesKey(256));
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, KekRef.of(otherKey.arn()), new KmsParameterSpec(CONTEXT));
        // AWS answers IncorrectKeyException (UNWRAP_FAILED); moto answers AccessDenied.
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class).hasCauseInstanceOf(KmsException.class);
    }

    @Test
    void tamperedBytesAreAnInvalidKeyException() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, new KmsParameterSpec(CONTEXT)).wrap(aesKey(256));
        wrapped[wrapped.length - 3] ^= 0x40;
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(CONTEXT));
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class).hasCauseInstanceOf(KmsException.class);
    }

    @Test
    void grantTokensAreAcceptedWithTheAwsBackend() throws Exception {
        KmsParameterSpec spec = new KmsParameterSpec(CONTEXT, List.of("grant-token-1"));
        SecretKey original = aesKey(256);
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, spec).wrap(original);
        assertThat(cipher(Cipher.UNWRAP_MODE, kek, spec).unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded())
                .isEqualTo(original.getEncoded());
    }

    @Test
    void providerConfiguredByTextUsesTheAwsBackend() throws Exception {
        String previousId = System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY_ID);
        String previousSecret = System.setProperty("aws.secretAccessKey", MotoServer.SECRET_ACCESS_KEY);
        try {
            Provider configured = new ArkheKmsProvider().configure("--name = moto\nbackend = aws\naws.region = "
                    + MotoServer.REGION + "\naws.endpoint = " + moto.endpoint() + "\naws.maxAttempts = 2\n"
                    + "kek.default = alias/jce-orders\n");
            KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", configured);
            generator.init(256);
            DataKey dataKey = (DataKey) generator.generateKey();
            assertThat(dataKey.kekArn()).isEqualTo(key.arn());
            assertThat(configured.getName()).isEqualTo("ArkheKMS-moto");
        } finally {
            restore("aws.accessKeyId", previousId);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    @Test
    void unreachableKmsIsAProviderExceptionWithARetryableCause() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + closedPort);
        try (AwsKmsBackend unreachable = MotoServer.backendBuilder(closed).maxAttempts(1).build()) {
            Cipher cipher = Cipher.getInstance("KmsKeyWrap", new ArkheKmsProvider(unreachable));
            cipher.init(Cipher.WRAP_MODE, kek);
            assertThatThrownBy(() -> cipher.wrap(aesKey(256)))
                    .isInstanceOf(ProviderException.class)
                    .cause().isInstanceOf(KmsException.class)
                    .satisfies(c -> {
                        assertThat(((KmsException) c).reason()).isEqualTo(KmsException.Reason.UNAVAILABLE);
                        assertThat(((KmsException) c).retryable()).isTrue();
                    });
        }
    }

    private static void restore(String name, String previous) {
        if (previous == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, previous);
        }
    }
}
