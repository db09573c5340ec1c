package dev.arkhe.kms.jce;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.jce.ProviderConfig.BackendKind;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProviderException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the provider configuration: a file, or inline text after a leading {@code --}.
 *
 * <p>Grammar, in the manner of the JDK's SunPKCS11 configuration: one {@code key = value}
 * per line; blank lines and lines starting with {@code #} are ignored; a value may be
 * enclosed in double quotes to keep leading or trailing spaces; {@code ${name}} in a value is
 * replaced by the system property {@code name}, and an undefined property is an error. Unknown
 * keys and repeated keys are errors. Every error is a {@link ProviderException} whose message
 * names the source and the line, because the JDK silently skips a provider whose
 * {@code configure} throws anything else.
 */
final class ProviderConfigParser {

    private static final Set<String> KEYS = Set.of("name", "backend", "aws.region", "aws.endpoint", "aws.profile",
            "aws.maxAttempts", "aws.apiCallTimeout", "local.store", "kek.default", "deletion.pendingWindowDays",
            "attestation.signingKey");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private final String source;
    private final UnaryOperator<String> properties;

    private ProviderConfigParser(String source, UnaryOperator<String> properties) {
        this.source = source;
        this.properties = properties;
    }

    /**
     * Parses {@code argument} as {@code Provider.configure} receives it: inline text when it
     * starts with {@code --}, otherwise the path of a file.
     *
     * @throws ProviderException naming the source and line for any problem
     */
    static ProviderConfig parseArgument(String argument) {
        if (argument == null || argument.isBlank()) {
            throw new ProviderException("ArkheKMS configuration is empty: give a file path or inline text"
                    + " starting with --, for example \"--backend = local\"");
        }
        if (argument.startsWith("--")) {
            return parse("<inline>", argument.substring(2), System::getProperty);
        }
        Path file = Path.of(expandHome(argument.trim()));
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProviderException("ArkheKMS configuration file " + file.toAbsolutePath()
                    + " cannot be read: " + e, e);
        }
        return parse(file.toString(), text, System::getProperty);
    }

    /** Parses configuration text; {@code properties} resolves {@code ${name}} references. */
    static ProviderConfig parse(String source, String text, UnaryOperator<String> properties) {
        return new ProviderConfigParser(source, properties).parse(text);
    }

    private ProviderConfig parse(String text) {
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(lineNumber, "expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw error(lineNumber, "unknown key '" + key + "'; known keys: " + String.join(", ", sorted(KEYS)));
            }
            if (values.containsKey(key)) {
                throw error(lineNumber, "'" + key + "' is already set on line " + lineOf.get(key));
            }
            values.put(key, expand(unquote(line.substring(eq + 1).strip(), lineNumber), lineNumber));
            lineOf.put(key, lineNumber);
        }
        return build(values, lineOf);
    }

    private ProviderConfig build(Map<String, String> values, Map<String, Integer> lineOf) {
        Optional<String> name = Optional.ofNullable(values.get("name"));
        name.ifPresent(n -> {
            if (!NAME.matcher(n).matches()) {
                throw error(lineOf.get("name"), "name '" + n + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
        });
        BackendKind backend = BackendKind.LOCAL;
        if (values.containsKey("backend")) {
            String b = values.get("backend");
            backend = switch (b) {
                case "local" -> BackendKind.LOCAL;
                case "aws" -> BackendKind.AWS;
                default -> throw error(lineOf.get("backend"), "backend must be 'aws' or 'local', got '" + b + "'");
            };
        }
        for (String key : values.keySet()) {
            boolean awsKey = key.startsWith("aws.");
            boolean localKey = key.startsWith("local.");
            if ((awsKey && backend != BackendKind.AWS) || (localKey && backend != BackendKind.LOCAL)) {
                throw error(lineOf.get(key), "'" + key + "' does not apply to backend "
                        + backend.name().toLowerCase(Locale.ROOT));
            }
        }
        Optional<URI> endpoint = Optional.ofNullable(values.get("aws.endpoint"))
                .map(v -> endpoint(v, lineOf.get("aws.endpoint")));
        OptionalInt maxAttempts = intValue(values, lineOf, "aws.maxAttempts", 1, 20);
        Optional<Duration> apiCallTimeout = Optional.ofNullable(values.get("aws.apiCallTimeout"))
                .map(v -> duration(v, lineOf.get("aws.apiCallTimeout")));
        Path store = Optional.ofNullable(values.get("local.store")).map(v -> Path.of(expandHome(v)))
                .orElse(ProviderConfig.defaultLocalStore());
        Optional<KekRef> kek = Optional.ofNullable(values.get("kek.default")).map(v -> {
            try {
                return KekRef.of(v);
            } catch (IllegalArgumentException e) {
                throw error(lineOf.get("kek.default"), e.getMessage());
            }
        });
        OptionalInt window = intValue(values, lineOf, "deletion.pendingWindowDays", 7, 30);
        Optional<Path> signingKey = Optional.ofNullable(values.get("attestation.signingKey"))
                .map(v -> Path.of(expandHome(v)));
        signingKey.ifPresent(p -> {
            if (!Files.isReadable(p)) {
                throw error(lineOf.get("attestation.signingKey"), "attestation signing key file " + p
                        + " is not readable");
            }
        });
        return new ProviderConfig(source, name, backend, Optional.ofNullable(values.get("aws.region")), endpoint,
                Optional.ofNullable(values.get("aws.profile")), maxAttempts, apiCallTimeout, store, kek, window,
                signingKey);
    }

    private OptionalInt intValue(Map<String, String> values, Map<String, Integer> lineOf, String key, int min,
                                 int max) {
        String v = values.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw error(lineOf.get(key), key + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    }

    private URI endpoint(String value, int line) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with an example
        }
        throw error(line, "aws.endpoint must be an http or https URL such as https://kms.eu-west-1.amazonaws.com,"
                + " got '" + value + "'");
    }

    private Duration duration(String value, int line) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
            if (!d.isZero()) {
                return d;
            }
        }
        throw error(line, "aws.apiCallTimeout must be a positive duration such as 500ms, 30s or 2m, got '" + value
                + "'");
    }

    private String unquote(String value, int line) {
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"")) {
                throw error(line, "unterminated quoted value " + value);
            }
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private String expand(String value, int line) {
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String property = m.group(1);
            String replacement = property.isEmpty() ? null : properties.apply(property);
            if (replacement == null) {
                throw error(line, "system property '" + property + "' referenced as ${" + property
                        + "} is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return System.getProperty("user.home") + path.substring(1);
        }
        return path;
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private ProviderException error(int line, String message) {
        return new ProviderException("ArkheKMS configuration " + source + ", line " + line + ": " + message);
    }
}
