package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider through the standard JCE API, over the embedded local backend. */
class KmsKeyWrapLocalTest {

    private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "purpose", "orders");

    @TempDir
    Path store;
    private LocalKmsBackend backend;
    private Provider provider;
    private KekRef kek;
    private KekRef otherKek;

    @BeforeEach
    void openBackend() throws Exception {
        backend = LocalKmsBackend.open(store);
        kek = backend.createKey("jce test");
        otherKek = backend.createKey("another");
        provider = new ArkheKmsProvider(backend, kek);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private Cipher cipher(int mode, KekRef key, Map<String, String> context) throws Exception {
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        cipher.init(mode, key, new KmsParameterSpec(context));
        return cipher;
    }

    private static SecretKey aesKey(int bits) throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(bits);
        return generator.generateKey();
    }

    @Test
    void aes128And256KeysRoundTripThroughWrapAndUnwrap() throws Exception {
        for (int bits : new int[] {128, 256}) {
            SecretKey original = aesKey(bits);
            byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(original);
            Key unwrapped = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT).unwrap(wrapped, "AES", Cipher.SECRET_KEY);
            assertThat(unwrapped).isInstanceOf(Dek.class);
            assertThat(unwrapped.getAlgorithm()).isEqualTo("AES");
            assertThat(unwrapped.getEncoded()).isEqualTo(original.getEncoded());
            ((Dek) unwrapped).destroy();
            assertThat(((Dek) unwrapped).isDestroyed()).isTrue();
        }
    }

    @Test
    void unwrapWithoutSpecMeansEmptyContext() throws Exception {
        SecretKey original = aesKey(256);
        Cipher wrap = Cipher.getInstance("KmsKeyWrap", provider);
        wrap.init(Cipher.WRAP_MODE, kek);
        byte[] wrapped = wrap.wrap(original);
        Key unwrapped = cipher(Cipher.UNWRAP_MODE, kek, Map.of()).unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        assertThat(unwrapped.getEncoded()).isEqualTo(original.getEncoded());
    }

    @Test
    void hmacKeyKeepsTheRequestedAlgorithmName() throws Exception {
        SecretKey hmac = new SecretKeySpec(new byte[64], "HmacSHA256");
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(hmac);
        Key unwrapped = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT).unwrap(wrapped, "HmacSHA256", Cipher.SECRET_KEY);
        assertThat(unwrapped.getAlgorithm()).isEqualTo("HmacSHA256");
        assertThat(unwrapped.getEncoded()).hasSize(64);
    }

    @Test
    void ecPrivateKeyRoundTripsThroughPkcs8() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(pair.getPrivate());
        Key unwrapped = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT).unwrap(wrapped, "EC", Cipher.PRIVATE_KEY);
        assertThat(unwrapped).isInstanceOf(PrivateKey.class);
        assertThat(unwrapped.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        Key publicKey = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT).unwrap(
                cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(pair.getPublic()), "EC", Cipher.PUBLIC_KEY);
        assertThat(publicKey).isEqualTo(pair.getPublic());
    }

    @Test
    void wrongContextFailsWithInvalidKeyExceptionCausedByUnwrapFailed() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(aesKey(256));
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, kek, Map.of("tenant", "other"));
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class)
                .cause().isInstanceOf(KmsException.class)
                .extracting(c -> ((KmsException) c).reason()).isEqualTo(KmsException.Reason.UNWRAP_FAILED);
    }

    @Test
    void wrongKekFailsWithInvalidKeyException() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(aesKey(256));
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, otherKek, CONTEXT);
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class).hasCauseInstanceOf(KmsException.class);
    }

    @Test
    void tamperedBytesFailWithInvalidKeyException() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(aesKey(256));
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT);
        for (int i = 0; i < wrapped.length; i += 7) {
            byte[] tampered = wrapped.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> unwrap.unwrap(tampered, "AES", Cipher.SECRET_KEY))
                    .as("byte %d flipped", i)
                    .isInstanceOf(InvalidKeyException.class).hasCauseInstanceOf(KmsException.class);
        }
    }

    @Test
    void disabledKekFailsWithInvalidKeyExceptionCarryingTheReason() throws Exception {
        byte[] wrapped = cipher(Cipher.WRAP_MODE, kek, CONTEXT).wrap(aesKey(256));
        backend.disableKey(kek);
        Cipher unwrap = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT);
        assertThatThrownBy(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY))
                .isInstanceOf(InvalidKeyException.class)
                .cause().extracting(c -> ((KmsException) c).reason()).isEqualTo(KmsException.Reason.KEK_DISABLED);
    }

    @Test
    void encryptAndDecryptModesAreRejectedAtInit() throws Exception {
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        assertThatThrownBy(() -> cipher.init(Cipher.ENCRYPT_MODE, kek))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("WRAP_MODE and Cipher.UNWRAP_MODE");
        assertThatThrownBy(() -> cipher.init(Cipher.DECRYPT_MODE, kek))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void ordinaryKeysAreRejectedAsKek() throws Exception {
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        assertThatThrownBy(() -> cipher.init(Cipher.WRAP_MODE, aesKey(256)))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("KekRef");
    }

    @Test
    void keysWithoutEncodingOrTooLargeAreRejected() throws Exception {
        Cipher cipher = cipher(Cipher.WRAP_MODE, kek, CONTEXT);
        assertThatThrownBy(() -> cipher.wrap(otherKek))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("no encoding");
        assertThatThrownBy(() -> cipher.wrap(new SecretKeySpec(new byte[4097], "HmacSHA512")))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("4097 bytes");
    }

    @Test
    void updateAadIsIllegalInWrapMode() throws Exception {
        Cipher cipher = cipher(Cipher.WRAP_MODE, kek, CONTEXT);
        assertThatThrownBy(() -> cipher.updateAAD(new byte[] {1})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.doFinal(new byte[] {1})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void getParametersReturnsTheSpecInUse() throws Exception {
        KmsParameterSpec spec = new KmsParameterSpec(CONTEXT);
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        cipher.init(Cipher.WRAP_MODE, kek, spec);
        AlgorithmParameters params = cipher.getParameters();
        assertThat(params.getParameterSpec(KmsParameterSpec.class)).isEqualTo(spec);
        AlgorithmParameters decoded = AlgorithmParameters.getInstance("KmsKeyWrap", provider);
        decoded.init(params.getEncoded());
        assertThat(decoded.getParameterSpec(KmsParameterSpec.class)).isEqualTo(spec);
    }

    @Test
    void keyGeneratorDataKeysUnwrapToTheSameBytes() throws Exception {
        for (int bits : new int[] {128, 256}) {
            KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
            generator.init(new KmsKeyGenParameterSpec(kek, bits, CONTEXT));
            SecretKey key = generator.generateKey();
            assertThat(key).isInstanceOf(DataKey.class);
            DataKey dataKey = (DataKey) key;
            assertThat(dataKey.getEncoded()).hasSize(bits / 8);
            assertThat(dataKey.context().asMap()).isEqualTo(CONTEXT);
            Key unwrapped = cipher(Cipher.UNWRAP_MODE, kek, CONTEXT).unwrap(dataKey.wrapped(), "AES",
                    Cipher.SECRET_KEY);
            assertThat(unwrapped.getEncoded()).isEqualTo(dataKey.getEncoded());
        }
    }

    @Test
    void keyGeneratorInitWithSizeUsesTheDefaultKek() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
        generator.init(128);
        DataKey key = (DataKey) generator.generateKey();
        assertThat(key.getEncoded()).hasSize(16);
        assertThat(backend.unwrapDek(key.wrapped(), kek).getEncoded()).isEqualTo(key.getEncoded());
    }

    @Test
    void keyGeneratorWithoutAnyKekSaysHowToGiveOne() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", new ArkheKmsProvider(backend));
        generator.init(256);
        assertThatThrownBy(generator::generateKey)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KmsKeyGenParameterSpec").hasMessageContaining("kek.default");
    }

    @Test
    void keyGeneratorFailureIsAProviderExceptionWithCause() throws Exception {
        backend.disableKey(kek);
        KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
        generator.init(new KmsKeyGenParameterSpec(kek));
        assertThatThrownBy(generator::generateKey)
                .isInstanceOf(java.security.ProviderException.class).hasCauseInstanceOf(KmsException.class);
    }

    @Test
    void grantTokensAreRejectedForTheLocalBackend() throws Exception {
        Cipher cipher = Cipher.getInstance("KmsKeyWrap", provider);
        KmsParameterSpec spec = new KmsParameterSpec(Map.of(), java.util.List.of("token"));
        assertThatThrownBy(() -> cipher.init(Cipher.WRAP_MODE, kek, spec))
                .isInstanceOf(java.security.InvalidAlgorithmParameterException.class)
                .hasMessageContaining("AWS backend");
    }
}
