package dev.arkhe.kms.jce;

import dev.arkhe.kms.EncryptionContext;
import java.security.spec.AlgorithmParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters of the {@code KmsKeyWrap} cipher: the encryption context bound to a wrapped key
 * and, for the AWS backend, grant tokens. Pass it to {@code Cipher.init}; unwrapping needs the
 * same context that wrapping used. Immutable and thread-safe.
 */
public final class KmsParameterSpec implements AlgorithmParameterSpec {

    private final EncryptionContext context;
    private final List<String> grantTokens;

    /**
     * @param encryptionContext the pairs to bind; copied
     * @throws IllegalArgumentException for a null map, or a null or empty key, or a null value
     */
    public KmsParameterSpec(Map<String, String> encryptionContext) {
        this(encryptionContext, List.of());
    }

    /**
     * @param encryptionContext the pairs to bind; copied
     * @param grantTokens       AWS KMS grant tokens sent with each call (at most 10); copied
     * @throws IllegalArgumentException for a bad context, a null or empty token, or more than 10 tokens
     */
    public KmsParameterSpec(Map<String, String> encryptionContext, List<String> grantTokens) {
        this.context = EncryptionContext.of(encryptionContext);
        Objects.requireNonNull(grantTokens, "grantTokens");
        if (grantTokens.size() > 10) {
            throw new IllegalArgumentException("at most 10 grant tokens are allowed, got " + grantTokens.size());
        }
        for (String token : grantTokens) {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("grant tokens must be non-empty strings");
            }
        }
        this.grantTokens = List.copyOf(grantTokens);
    }

    /** The encryption context as an unmodifiable sorted map. */
    public Map<String, String> encryptionContext() {
        return context.asMap();
    }

    /** The encryption context in the contract's type. */
    public EncryptionContext context() {
        return context;
    }

    /** The grant tokens; empty when none were given. */
    public List<String> grantTokens() {
        return grantTokens;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KmsParameterSpec other && context.equals(other.context)
                && grantTokens.equals(other.grantTokens);
    }

    @Override
    public int hashCode() {
        return 31 * context.hashCode() + grantTokens.hashCode();
    }

    @Override
    public String toString() {
        return "KmsParameterSpec[" + context + ", " + grantTokens.size() + " grant tokens]";
    }
}
