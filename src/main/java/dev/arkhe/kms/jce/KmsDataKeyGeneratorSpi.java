package dev.arkhe.kms.jce;

import dev.arkhe.kms.KmsException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;
import javax.crypto.KeyGeneratorSpi;
import javax.crypto.SecretKey;

/**
 * The {@code KmsDataKey} key generator: each {@code generateKey()} is one KMS GenerateDataKey
 * call and returns a {@link dev.arkhe.kms.DataKey}, whose {@code wrapped()} form is what to
 * store. The {@link SecureRandom} passed to {@code init} is ignored: the KMS makes the key.
 * Like every {@link KeyGeneratorSpi}, an instance is not thread-safe; the backend is.
 */
final class KmsDataKeyGeneratorSpi extends KeyGeneratorSpi {

    private final ArkheKmsProvider provider;
    private KmsKeyGenParameterSpec spec;
    private int keySizeBits = 256;

    KmsDataKeyGeneratorSpi(ArkheKmsProvider provider) {
        this.provider = provider;
    }

    @Override
    protected void engineInit(SecureRandom random) {
        spec = null;
        keySizeBits = 256;
    }

    @Override
    protected void engineInit(AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidAlgorithmParameterException {
        if (!(params instanceof KmsKeyGenParameterSpec kmsSpec)) {
            throw new InvalidAlgorithmParameterException("KmsDataKey takes a dev.arkhe.kms.jce.KmsKeyGenParameterSpec"
                    + " (KEK, key size, encryption context), got "
                    + (params == null ? "null" : params.getClass().getName()));
        }
        spec = kmsSpec;
        keySizeBits = kmsSpec.keySizeBits();
    }

    @Override
    protected void engineInit(int keysize, SecureRandom random) {
        if (keysize != 128 && keysize != 256) {
            throw new InvalidParameterException("KmsDataKey generates 128- or 256-bit AES keys, not " + keysize);
        }
        spec = null;
        keySizeBits = keysize;
    }

    @Override
    protected SecretKey engineGenerateKey() {
        KmsKeyGenParameterSpec effective = spec;
        if (effective == null) {
            effective = new KmsKeyGenParameterSpec(provider.defaultKek().orElseThrow(() -> new IllegalStateException(
                    "KmsDataKey has no KEK: call init(new KmsKeyGenParameterSpec(KekRef.of(\"alias/...\"), 256,"
                            + " context)) or set kek.default in the ArkheKMS provider configuration")),
                    keySizeBits, Map.of());
        }
        try {
            return provider.backend().generateDek(effective.kek(), effective.keySizeBits(), effective.context());
        } catch (KmsException e) {
            throw JceFailures.generatorFailure(e);
        }
    }
}
