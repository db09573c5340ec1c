package dev.arkhe.kms.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 ({@code AWS4-HMAC-SHA256} in the {@code Authorization}
 * header) for one static access key, the way AWS JSON services refuse requests:
 *
 * <ul>
 *   <li>no {@code Authorization} header: {@code MissingAuthenticationTokenException};</li>
 *   <li>a header that is not a complete SigV4 header, or no {@code X-Amz-Date}:
 *       {@code IncompleteSignatureException};</li>
 *   <li>another access key: {@code UnrecognizedClientException};</li>
 *   <li>a signature that does not match, a credential scope for another service or date, an
 *       unsigned {@code Host}, {@code X-Amz-Date}, {@code X-Amz-Target}, {@code Content-Type}
 *       or other {@code x-amz-*} header (see {@link #requireSigned}), or a request date more than 15 minutes
 *       from the server's clock:
 *       {@code InvalidSignatureException}.</li>
 * </ul>
 *
 * <p>Any region in the credential scope is accepted: this is a local endpoint that every
 * region's client may be pointed at. Query-string (pre-signed) authentication is not
 * supported; KMS clients sign the header. Signatures are compared in constant time.
 * Thread-safe and immutable.
 */
final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** AWS refuses requests whose date is further than this from its clock. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final HexFormat HEX = HexFormat.of();

    private final String accessKey;
    private final byte[] secretKey;
    private final Clock clock;

    /**
     * @param accessKey the one access key id accepted
     * @param secretKey its secret access key
     * @param clock     the clock request dates are checked against
     */
    SigV4Verifier(String accessKey, String secretKey, Clock clock) {
        if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("access key and secret key must be non-empty");
        }
        this.accessKey = accessKey;
        this.secretKey = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The access key id this verifier accepts (not secret; AWS logs it too). */
    String accessKey() {
        return accessKey;
    }

    /**
     * Verifies one request.
     *
     * @param method   the HTTP method
     * @param rawPath  the request path as sent (percent-encoded)
     * @param rawQuery the query string as sent, or null
     * @param headers  the request headers; names compared case-insensitively
     * @param body     the request body
     * @throws KmsRequestException with the error type AWS would answer (see the class comment)
     */
    void verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body)
            throws KmsRequestException {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            if (k != null) {
                h.merge(k, v, (a, b) -> {
                    List<String> all = new ArrayList<>(a);
                    all.addAll(b);
                    return all;
                });
            }
        });
        String authorization = first(h, "Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new KmsRequestException(AwsErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
        }
        Authorization auth = Authorization.parse(authorization.trim());
        if (!MessageDigest.isEqual(auth.accessKey.getBytes(StandardCharsets.UTF_8),
                accessKey.getBytes(StandardCharsets.UTF_8))) {
            throw new KmsRequestException(AwsErrorType.UNRECOGNIZED_CLIENT,
                    "The security token included in the request is invalid.");
        }
        if (!"kms".equals(auth.service)) {
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                    "Credential should be scoped to correct service: 'kms'.");
        }
        if (!"aws4_request".equals(auth.terminator)) {
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '"
                            + auth.terminator + "'.");
        }
        String amzDate = first(h, "X-Amz-Date");
        if (amzDate == null) {
            throw new KmsRequestException(AwsErrorType.INCOMPLETE_SIGNATURE,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        amzDate = amzDate.trim();
        Instant requestTime;
        try {
            requestTime = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new KmsRequestException(AwsErrorType.INCOMPLETE_SIGNATURE,
                    "X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z'.");
        }
        if (!auth.date.equals(amzDate.substring(0, 8))) {
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                            + auth.date + "' != '" + amzDate.substring(0, 8) + "'");
        }
        Instant now = clock.instant();
        if (Duration.between(requestTime, now).abs().compareTo(MAX_SKEW) > 0) {
            // The SDKs recognise this wording and retry with a corrected clock offset.
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE, "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(LocalDateTime.ofInstant(now.minus(MAX_SKEW),
                    ZoneOffset.UTC)) + " (" + AMZ_DATE.format(LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                    + " - 15 min.)");
        }
        if (!auth.signedHeaders.contains("host")) {
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                    "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        // An unsigned date could be replaced to replay a captured request outside the skew window.
        if (!auth.signedHeaders.contains("x-amz-date")) {
            throw unsignedHeader("X-Amz-Date");
        }
        requireSigned(h, auth.signedHeaders);

        String canonicalRequest = canonicalRequest(method, rawPath, rawQuery, h, auth.signedHeaders, body);
        String scope = auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.terminator;
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] expected = signature(auth.date, auth.region, auth.service, stringToSign);
        byte[] given;
        try {
            given = HEX.parseHex(auth.signature);
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                    "The request signature we calculated does not match the signature you provided. Check your AWS"
                            + " Secret Access Key and signing method. Consult the service documentation for details.");
        }
    }

    /**
     * Refuses headers that change what a request does but are not covered by the signature.
     * The operation travels in {@code X-Amz-Target}: were it unsigned, a captured DescribeKey
     * could be replayed as ScheduleKeyDeletion. Every other {@code x-amz-*} header present must
     * be signed too (the AWS SDKs and CLI sign them all). Exempt, because their values cannot
     * change what the server does: {@code X-Amz-Content-SHA256} (the server hashes the body it
     * received) and {@code Content-Type} (every accepted type goes to the same JSON reader;
     * requiring it signed would only refuse clients that leave it out of the signature).
     */
    private static void requireSigned(Map<String, List<String>> headers, List<String> signedHeaders)
            throws KmsRequestException {
        if (!signedHeaders.contains("x-amz-target")) {
            throw unsignedHeader("X-Amz-Target");
        }
        for (String name : headers.keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean mustSign = lower.startsWith("x-amz-") && !lower.equals("x-amz-content-sha256");
            if (mustSign && !signedHeaders.contains(lower)) {
                throw unsignedHeader(name);
            }
        }
    }

    private static KmsRequestException unsignedHeader(String name) {
        return new KmsRequestException(AwsErrorType.INVALID_SIGNATURE,
                "'" + name + "' must be a 'SignedHeader' in the AWS Authorization.");
    }

    /** The canonical request of the SigV4 specification. */
    static String canonicalRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                                   List<String> signedHeaders, byte[] body) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(method).append('\n');
        // Services other than S3 sign the path as sent, URI-encoded once more.
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        sb.append(uriEncode(path, false)).append('\n');
        sb.append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signedHeaders) {
            List<String> values = headers.get(name);
            StringBuilder joined = new StringBuilder();
            if (values != null) {
                for (String v : values) {
                    if (joined.length() > 0) {
                        joined.append(',');
                    }
                    joined.append(v.trim().replaceAll(" +", " "));
                }
            }
            sb.append(name).append(':').append(joined).append('\n');
        }
        sb.append('\n');
        sb.append(String.join(";", signedHeaders)).append('\n');
        sb.append(HEX.formatHex(sha256(body)));
        return sb.toString();
    }

    private byte[] signature(String date, String region, String service, String stringToSign) {
        byte[] k = hmac(secretKey, date);
        k = hmac(k, region);
        k = hmac(k, service);
        k = hmac(k, "aws4_request");
        return hmac(k, stringToSign);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {uriEncode(decode(name), true), uriEncode(decode(value), true)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** Percent-decoding that leaves malformed escapes as they are (they then fail the signature). */
    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** RFC 3986 encoding as SigV4 defines it: unreserved characters stay, everything else is %XY. */
    static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** The parsed {@code Authorization} header. */
    private record Authorization(String accessKey, String date, String region, String service, String terminator,
                                 List<String> signedHeaders, String signature) {

        static Authorization parse(String header) throws KmsRequestException {
            if (!header.startsWith(ALGORITHM + " ")) {
                throw incomplete("Authorization header must use the " + ALGORITHM + " algorithm.");
            }
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            for (String part : header.substring(ALGORITHM.length()).split(",")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw incomplete("Authorization header parameter '" + abbreviate(p) + "' is not of the form"
                            + " name=value.");
                }
                String name = p.substring(0, eq);
                String value = p.substring(eq + 1);
                switch (name) {
                    case "Credential" -> credential = value;
                    case "SignedHeaders" -> signedHeaders = value;
                    case "Signature" -> signature = value;
                    default -> { } // unknown parameters are ignored, as AWS does
                }
            }
            if (credential == null || signedHeaders == null || signature == null) {
                throw incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"
                        + " parameters.");
            }
            String[] scope = credential.split("/", -1);
            if (scope.length != 5 || scope[0].isEmpty() || !scope[1].matches("[0-9]{8}") || scope[2].isEmpty()) {
                throw incomplete("Credential must have the form ACCESS_KEY/yyyyMMdd/region/service/aws4_request.");
            }
            List<String> headers = List.of(signedHeaders.split(";"));
            for (String h : headers) {
                if (h.isEmpty() || !h.equals(h.toLowerCase(Locale.ROOT))) {
                    throw incomplete("SignedHeaders must be lower-case header names separated by ';'.");
                }
            }
            return new Authorization(scope[0], scope[1], scope[2], scope[3], scope[4], headers, signature);
        }

        private static KmsRequestException incomplete(String message) {
            return new KmsRequestException(AwsErrorType.INCOMPLETE_SIGNATURE, message);
        }

        private static String abbreviate(String s) {
            return s.length() <= 40 ? s : s.substring(0, 40) + "...";
        }
    }
}
