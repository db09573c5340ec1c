package dev.arkhe.kms;

import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * A reference to a key-encryption key held by a KMS. It carries no key material.
 *
 * <p>It is a {@link SecretKey} so that it can be passed to {@code Cipher.init}
 * of the {@code KmsKeyWrap} cipher; {@link #getEncoded()} and {@link #getFormat()}
 * return {@code null}, and the algorithm is {@code "KMS"}. Immutable and thread-safe.
 */
public final class KekRef implements SecretKey {

    private static final long serialVersionUID = 1L;

    /** The algorithm name reported by {@link #getAlgorithm()}. */
    public static final String ALGORITHM = "KMS";

    // AWS key ids are UUIDs; multi-Region keys are "mrk-" followed by 32 hex digits.
    private static final String KEY_ID = "(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            + "|mrk-[0-9a-fA-F]{32})";
    private static final String ALIAS_NAME = "alias/[a-zA-Z0-9/_-]{1,250}";
    private static final String ARN_PREFIX = "arn:[a-z][a-z0-9-]{0,62}:kms:[a-z0-9-]{1,64}:[0-9]{12}:";
    private static final Pattern KEY_ID_PATTERN = Pattern.compile(KEY_ID);
    private static final Pattern ALIAS_PATTERN = Pattern.compile(ALIAS_NAME);
    private static final Pattern KEY_ARN_PATTERN = Pattern.compile(ARN_PREFIX + "key/" + KEY_ID);
    private static final Pattern ALIAS_ARN_PATTERN = Pattern.compile(ARN_PREFIX + ALIAS_NAME);

    /** What kind of identifier a {@link KekRef} holds. */
    public enum Kind { KEY_ID, KEY_ARN, ALIAS_NAME, ALIAS_ARN }

    private final String id;
    private final Kind kind;

    private KekRef(String id, Kind kind) {
        this.id = id;
        this.kind = kind;
    }

    /**
     * Parses a KEK identifier.
     *
     * @param id a key id ({@code 1234abcd-12ab-34cd-56ef-1234567890ab}), key ARN
     *           ({@code arn:aws:kms:us-east-1:111122223333:key/1234abcd-...}), alias name
     *           ({@code alias/my-key}) or alias ARN ({@code arn:aws:kms:us-east-1:111122223333:alias/my-key})
     * @throws IllegalArgumentException if {@code id} is null or none of these forms
     */
    public static KekRef of(String id) {
        if (id == null) {
            throw new IllegalArgumentException("KEK id is null; expected a key id, key ARN, alias name or alias ARN,"
                    + " for example alias/my-key");
        }
        if (KEY_ID_PATTERN.matcher(id).matches()) {
            return new KekRef(id, Kind.KEY_ID);
        }
        if (KEY_ARN_PATTERN.matcher(id).matches()) {
            return new KekRef(id, Kind.KEY_ARN);
        }
        if (ALIAS_PATTERN.matcher(id).matches()) {
            return new KekRef(id, Kind.ALIAS_NAME);
        }
        if (ALIAS_ARN_PATTERN.matcher(id).matches()) {
            return new KekRef(id, Kind.ALIAS_ARN);
        }
        throw new IllegalArgumentException("KEK id '" + abbreviate(id) + "' is not a key id, key ARN, alias name or"
                + " alias ARN; accepted forms: 1234abcd-12ab-34cd-56ef-1234567890ab,"
                + " arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab,"
                + " alias/my-key, arn:aws:kms:us-east-1:111122223333:alias/my-key");
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** The identifier exactly as given to {@link #of(String)}. */
    public String id() {
        return id;
    }

    /** Which form {@link #id()} has. */
    public Kind kind() {
        return kind;
    }

    /** True for alias names and alias ARNs. */
    public boolean isAlias() {
        return kind == Kind.ALIAS_NAME || kind == Kind.ALIAS_ARN;
    }

    /** Always {@value #ALGORITHM}. */
    @Override
    public String getAlgorithm() {
        return ALGORITHM;
    }

    /** Always {@code null}: a KEK reference has no encoding. */
    @Override
    public String getFormat() {
        return null;
    }

    /** Always {@code null}: the key material never leaves the KMS. */
    @Override
    public byte[] getEncoded() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KekRef other && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "KekRef[" + id + "]";
    }
}
