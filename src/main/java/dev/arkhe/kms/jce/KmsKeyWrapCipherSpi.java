package dev.arkhe.kms.jce;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;

/**
 * The {@code KmsKeyWrap} cipher: {@code Cipher.wrap} encrypts a key's encoding under a KMS
 * KEK, {@code Cipher.unwrap} decrypts it. WRAP_MODE and UNWRAP_MODE only: key material is
 * all this cipher handles, so it has no ENCRYPT or DECRYPT mode and no update. Like every
 * {@link CipherSpi}, an instance is not thread-safe; the backend behind it is.
 */
final class KmsKeyWrapCipherSpi extends CipherSpi {

    private final ArkheKmsProvider provider;
    private int mode;
    private KekRef kek;
    private KmsParameterSpec spec;
    /** The backend with this init's grant tokens; built on first use, not at init (see below). */
    private KmsBackend bound;

    KmsKeyWrapCipherSpi(ArkheKmsProvider provider) {
        this.provider = provider;
    }

    @Override
    protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
        if (!mode.equalsIgnoreCase("NONE")) {
            throw new NoSuchAlgorithmException("KmsKeyWrap has no cipher mode; use \"KmsKeyWrap\", got mode " + mode);
        }
    }

    @Override
    protected void engineSetPadding(String padding) throws NoSuchPaddingException {
        if (!padding.equalsIgnoreCase("NoPadding")) {
            throw new NoSuchPaddingException("KmsKeyWrap has no padding; use \"KmsKeyWrap\", got padding " + padding);
        }
    }

    @Override
    protected int engineGetBlockSize() {
        return 0;
    }

    @Override
    protected int engineGetOutputSize(int inputLen) {
        // The largest blob KMS returns for Encrypt.
        return 6144;
    }

    @Override
    protected byte[] engineGetIV() {
        return null;
    }

    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (spec == null) {
            return null;
        }
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance(ArkheKmsProvider.KEY_WRAP, provider);
            params.init(spec);
            return params;
        } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
            throw new IllegalStateException("KmsKeyWrap parameters are registered by this provider", e);
        }
    }

    @Override
    protected int engineGetKeySize(Key key) throws InvalidKeyException {
        kekOf(key);
        return 256;
    }

    @Override
    protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
        try {
            engineInit(opmode, key, (AlgorithmParameterSpec) null, random);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("an absent parameter spec is always accepted", e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        AlgorithmParameterSpec paramSpec = null;
        if (params != null) {
            try {
                paramSpec = params.getParameterSpec(KmsParameterSpec.class);
            } catch (InvalidParameterSpecException e) {
                throw new InvalidAlgorithmParameterException("KmsKeyWrap needs KmsKeyWrap parameters, got "
                        + params.getAlgorithm(), e);
            }
        }
        engineInit(opmode, key, paramSpec, random);
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (opmode != Cipher.WRAP_MODE && opmode != Cipher.UNWRAP_MODE) {
            throw new InvalidParameterException("KmsKeyWrap supports only Cipher.WRAP_MODE and Cipher.UNWRAP_MODE;"
                    + " to encrypt data, generate a key with KeyGenerator \"KmsDataKey\" and use it with AES/GCM");
        }
        KekRef newKek = kekOf(key);
        KmsParameterSpec newSpec;
        if (params == null) {
            newSpec = new KmsParameterSpec(Map.of());
        } else if (params instanceof KmsParameterSpec kmsSpec) {
            newSpec = kmsSpec;
        } else {
            throw new InvalidAlgorithmParameterException("KmsKeyWrap takes a dev.arkhe.kms.jce.KmsParameterSpec, got "
                    + params.getClass().getName());
        }
        provider.checkGrantTokensSupported(newSpec);
        this.mode = opmode;
        this.kek = newKek;
        this.spec = newSpec;
        this.bound = null;
    }

    private static KekRef kekOf(Key key) throws InvalidKeyException {
        if (key instanceof KekRef ref) {
            return ref;
        }
        throw new InvalidKeyException("KmsKeyWrap needs a dev.arkhe.kms.KekRef (KekRef.of(\"alias/...\")), got "
                + (key == null ? "null" : key.getClass().getName()));
    }

    @Override
    protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
        throw notForData();
    }

    @Override
    protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset)
            throws ShortBufferException {
        throw notForData();
    }

    @Override
    protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen) {
        throw notForData();
    }

    @Override
    protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset)
            throws ShortBufferException, BadPaddingException {
        throw notForData();
    }

    @Override
    protected void engineUpdateAAD(byte[] src, int offset, int len) {
        throw new IllegalStateException("KmsKeyWrap takes additional data only as an encryption context in"
                + " KmsParameterSpec");
    }

    private static IllegalStateException notForData() {
        return new IllegalStateException("KmsKeyWrap only wraps and unwraps keys: use Cipher.wrap and Cipher.unwrap");
    }

    @Override
    protected byte[] engineWrap(Key key) throws InvalidKeyException {
        requireMode(Cipher.WRAP_MODE, "wrap");
        if (key == null) {
            throw new InvalidKeyException("cannot wrap a null key");
        }
        if (key instanceof Dek dek) {
            return wrap(dek);
        }
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new InvalidKeyException("cannot wrap a " + key.getAlgorithm() + " key that has no encoding"
                    + " (a KMS KEK or a non-extractable hardware key)");
        }
        Dek material = null;
        try {
            if (encoded.length < Dek.MIN_LENGTH || encoded.length > Dek.MAX_LENGTH) {
                throw new InvalidKeyException("KMS wraps key encodings of " + Dek.MIN_LENGTH + " to " + Dek.MAX_LENGTH
                        + " bytes; this " + key.getAlgorithm() + " key encodes to " + encoded.length + " bytes");
            }
            material = Dek.of(encoded, key.getAlgorithm());
            return wrap(material);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            if (material != null) {
                material.destroy();
            }
        }
    }

    private byte[] wrap(Dek dek) throws InvalidKeyException {
        if (dek.isDestroyed()) {
            throw new InvalidKeyException("cannot wrap a destroyed key");
        }
        try {
            return backend().wrapDek(dek, kek, spec.context());
        } catch (KmsException e) {
            throw JceFailures.keyFailure("wrap", e);
        }
    }

    @Override
    protected Key engineUnwrap(byte[] wrappedKey, String wrappedKeyAlgorithm, int wrappedKeyType)
            throws InvalidKeyException, NoSuchAlgorithmException {
        requireMode(Cipher.UNWRAP_MODE, "unwrap");
        if (wrappedKey == null || wrappedKey.length == 0) {
            throw new InvalidKeyException("wrapped key is " + (wrappedKey == null ? "null" : "empty"));
        }
        if (wrappedKeyAlgorithm == null || wrappedKeyAlgorithm.isEmpty()) {
            throw new NoSuchAlgorithmException("the algorithm of the wrapped key is required, for example \"AES\"");
        }
        if (wrappedKeyType != Cipher.SECRET_KEY && wrappedKeyType != Cipher.PRIVATE_KEY
                && wrappedKeyType != Cipher.PUBLIC_KEY) {
            throw new InvalidKeyException("unknown wrapped key type " + wrappedKeyType
                    + "; use Cipher.SECRET_KEY, Cipher.PRIVATE_KEY or Cipher.PUBLIC_KEY");
        }
        Dek plain;
        try {
            plain = backend().unwrapDek(wrappedKey, kek, spec.context());
        } catch (KmsException e) {
            throw JceFailures.keyFailure("unwrap", e);
        }
        byte[] encoded = plain.getEncoded();
        try {
            if (wrappedKeyType == Cipher.SECRET_KEY) {
                return Dek.of(encoded, wrappedKeyAlgorithm);
            }
            KeyFactory factory = KeyFactory.getInstance(wrappedKeyAlgorithm);
            if (wrappedKeyType == Cipher.PRIVATE_KEY) {
                KeySpec keySpec = new PKCS8EncodedKeySpec(encoded);
                return factory.generatePrivate(keySpec);
            }
            return factory.generatePublic(new X509EncodedKeySpec(encoded));
        } catch (InvalidKeySpecException e) {
            throw new InvalidKeyException("the unwrapped bytes are not a valid " + wrappedKeyAlgorithm
                    + (wrappedKeyType == Cipher.PRIVATE_KEY ? " PKCS#8 private key" : " X.509 public key"), e);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            plain.destroy();
        }
    }

    private void requireMode(int expected, String operation) {
        if (kek == null) {
            throw new IllegalStateException("KmsKeyWrap is not initialized: call init(Cipher."
                    + (expected == Cipher.WRAP_MODE ? "WRAP_MODE" : "UNWRAP_MODE") + ", kekRef)");
        }
        if (mode != expected) {
            throw new IllegalStateException("KmsKeyWrap is initialized for "
                    + (mode == Cipher.WRAP_MODE ? "WRAP_MODE" : "UNWRAP_MODE") + ", cannot " + operation);
        }
    }

    /**
     * Built lazily: building the backend inside init could fail there, and the JDK would then
     * move the cipher to another provider.
     */
    private KmsBackend backend() {
        if (bound == null) {
            bound = provider.backendFor(spec);
        }
        return bound;
    }
}
