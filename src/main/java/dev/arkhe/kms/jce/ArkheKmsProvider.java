package dev.arkhe.kms.jce;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsBackend;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ArkheKMS} security provider: KMS-backed key wrapping and data-key generation
 * through the standard JCE API.
 *
 * <ul>
 *   <li>{@code Cipher.getInstance("KmsKeyWrap")}: WRAP_MODE / UNWRAP_MODE under a
 *       {@link KekRef}, with an optional {@link KmsParameterSpec} (encryption context).</li>
 *   <li>{@code KeyGenerator.getInstance("KmsDataKey")}: data keys made by the KMS, returned as
 *       {@link dev.arkhe.kms.DataKey}, configured with a {@link KmsKeyGenParameterSpec}.</li>
 * </ul>
 *
 * <p>No standard algorithm name is registered, and the cipher accepts only {@link KekRef}
 * keys, so installing this provider first never changes what {@code "AES"} or
 * {@code "AES/GCM/NoPadding"} resolve to.
 *
 * <p>Configuration: {@link #configure(String)} takes a file path or inline text starting with
 * {@code --}. An unconfigured provider reads the path from system property
 * {@value #CONFIG_PROPERTY}, else environment variable {@value #CONFIG_ENV}, else uses the
 * embedded local backend in {@code ~/.arkhe-kms}. Constructors and {@code configure} do no
 * network or key-store I/O; the backend is built on first use, and a failure to build it is a
 * {@link ProviderException}. Thread-safe: one provider (and its backend) serves all threads.
 */
public final class ArkheKmsProvider extends Provider {

    private static final long serialVersionUID = 1L;

    /** The provider name. A configuration with {@code name = X} yields {@code ArkheKMS-X}. */
    public static final String NAME = "ArkheKMS";
    /** The key-wrap cipher's algorithm name. */
    public static final String KEY_WRAP = "KmsKeyWrap";
    /** The data-key generator's algorithm name. */
    public static final String DATA_KEY = "KmsDataKey";
    /** System property holding a configuration path for an unconfigured provider. */
    public static final String CONFIG_PROPERTY = "arkhe.kms.config";
    /** Environment variable holding a configuration path, read when the property is unset. */
    public static final String CONFIG_ENV = "ARKHE_KMS_CONFIG";

    private static final String VERSION = "0.1";

    private final transient boolean configured;
    private transient volatile KmsBackend backend;
    private transient volatile ProviderConfig effectiveConfig;
    private final transient Object lock = new Object();

    /** An unconfigured provider; see the class comment for where it finds its configuration. */
    public ArkheKmsProvider() {
        this(NAME, null, null, false);
    }

    /**
     * A provider over a backend the caller built and owns (the provider never closes it).
     *
     * @param backend the backend every cipher and key generator of this provider uses
     */
    public ArkheKmsProvider(KmsBackend backend) {
        this(backend, null);
    }

    /**
     * A provider over a caller's backend, with the KEK that {@code KeyGenerator.init(int)} uses.
     *
     * @param defaultKek may be null: then the key generator needs a {@link KmsKeyGenParameterSpec}
     */
    public ArkheKmsProvider(KmsBackend backend, KekRef defaultKek) {
        this(NAME, Objects.requireNonNull(backend, "backend"), backendConfig(defaultKek), true);
    }

    private ArkheKmsProvider(ProviderConfig config) {
        this(config.name().map(n -> NAME + "-" + n).orElse(NAME), null, config, true);
    }

    private ArkheKmsProvider(String name, KmsBackend backend, ProviderConfig config, boolean configured) {
        super(name, VERSION, "ArkheKMS: KMS-backed key wrapping (KmsKeyWrap) and data keys (KmsDataKey)");
        this.backend = backend;
        this.effectiveConfig = config;
        this.configured = configured;
        putService(new ArkheService(this, "Cipher", KEY_WRAP, KmsKeyWrapCipherSpi.class.getName(),
                Map.of("SupportedKeyClasses", KekRef.class.getName(), "SupportedModes", "NONE",
                        "SupportedPaddings", "NOPADDING")));
        putService(new ArkheService(this, "KeyGenerator", DATA_KEY, KmsDataKeyGeneratorSpi.class.getName(),
                Map.of()));
        putService(new ArkheService(this, "AlgorithmParameters", KEY_WRAP, KmsParametersSpi.class.getName(),
                Map.of()));
    }

    private static ProviderConfig backendConfig(KekRef defaultKek) {
        ProviderConfig d = ProviderConfig.defaults();
        return new ProviderConfig("<backend given in code>", d.name(), d.backend(), d.awsRegion(), d.awsEndpoint(),
                d.awsProfile(), d.awsMaxAttempts(), d.awsApiCallTimeout(), d.localStore(),
                Optional.ofNullable(defaultKek), d.pendingWindowDays(), d.signingKey());
    }

    /**
     * A new provider configured by {@code configArg}: the path of a configuration file, or
     * inline configuration text after a leading {@code --} (for example
     * {@code "--backend = local\nlocal.store = /var/lib/kms"}). Parses only: no network or
     * key-store access happens before the first cipher or key-generator call.
     *
     * @throws ProviderException naming the file (or {@code <inline>}) and line of any error
     */
    @Override
    public Provider configure(String configArg) {
        return new ArkheKmsProvider(ProviderConfigParser.parseArgument(configArg));
    }

    /** True for providers made by {@link #configure} or given a backend; false for the no-arg one. */
    @Override
    public boolean isConfigured() {
        return configured;
    }

    /** The configuration in force, resolving it for an unconfigured provider. */
    ProviderConfig config() {
        ProviderConfig c = effectiveConfig;
        if (c == null) {
            synchronized (lock) {
                c = effectiveConfig;
                if (c == null) {
                    c = resolveUnconfigured();
                    effectiveConfig = c;
                }
            }
        }
        return c;
    }

    private static ProviderConfig resolveUnconfigured() {
        String path = System.getProperty(CONFIG_PROPERTY);
        if (path == null || path.isBlank()) {
            path = System.getenv(CONFIG_ENV);
        }
        if (path == null || path.isBlank()) {
            return ProviderConfig.defaults();
        }
        return ProviderConfigParser.parseArgument(path);
    }

    Optional<KekRef> defaultKek() {
        return config().defaultKek();
    }

    /**
     * The backend, built on first use.
     *
     * @throws ProviderException if the configured backend cannot be built, with the cause
     */
    KmsBackend backend() {
        KmsBackend b = backend;
        if (b == null) {
            synchronized (lock) {
                b = backend;
                if (b == null) {
                    b = BackendFactory.create(config());
                    backend = b;
                }
            }
        }
        return b;
    }

    /** The backend to use for a cipher initialized with {@code spec} (grant tokens bind to AWS calls). */
    KmsBackend backendFor(KmsParameterSpec spec) {
        return BackendFactory.withGrantTokens(backend(), spec.grantTokens());
    }

    /**
     * Decided from the configuration, without building the backend: {@code Cipher.init} must
     * not fail for a backend problem, or the JDK would move the cipher to another provider.
     */
    void checkGrantTokensSupported(KmsParameterSpec spec) throws InvalidAlgorithmParameterException {
        if (spec.grantTokens().isEmpty()) {
            return;
        }
        KmsBackend built = backend;
        boolean supported = built != null ? BackendFactory.supportsGrantTokens(built)
                : config().backend() == ProviderConfig.BackendKind.AWS;
        if (!supported) {
            throw new InvalidAlgorithmParameterException("grant tokens apply to the AWS backend only; this provider"
                    + " uses the " + (built != null ? built.getClass().getSimpleName() : "local backend"));
        }
    }

    @Override
    public String toString() {
        return getName() + " version " + VERSION + (configured ? " (configured)" : "");
    }

    /** Creates the SPIs directly: no reflection, and the cipher admits only {@link KekRef} keys. */
    private static final class ArkheService extends Provider.Service {

        private final ArkheKmsProvider owner;

        ArkheService(ArkheKmsProvider provider, String type, String algorithm, String className,
                     Map<String, String> attributes) {
            super(provider, type, algorithm, className, List.of(), attributes);
            this.owner = provider;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            if (constructorParameter != null) {
                throw new InvalidParameterException(getType() + "." + getAlgorithm() + " takes no constructor"
                        + " parameter");
            }
            return switch (getType()) {
                case "Cipher" -> new KmsKeyWrapCipherSpi(owner);
                case "KeyGenerator" -> new KmsDataKeyGeneratorSpi(owner);
                case "AlgorithmParameters" -> new KmsParametersSpi();
                default -> throw new NoSuchAlgorithmException("no " + getType() + "." + getAlgorithm());
            };
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            if ("Cipher".equals(getType())) {
                return parameter == null || parameter instanceof KekRef;
            }
            return super.supportsParameter(parameter);
        }
    }
}
