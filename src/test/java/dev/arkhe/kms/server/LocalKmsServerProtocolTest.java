package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP protocol layer, driven by the JDK's HTTP client and tiny in-test operations. */
class LocalKmsServerProtocolTest {

    private static final String AK = "AKIATESTTESTTEST";
    private static final String SK = "test/secret/key";

    private static LocalKmsServer open;
    private static LocalKmsServer secured;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Echo: validates a few members as the real operations do and returns them. */
    private static Map<String, Object> echo(KmsRequest r) throws KmsRequestException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("KeyId", r.keyId("KeyId", true));
        byte[] plaintext = r.blob("Plaintext", 1, 4096, false);
        if (plaintext != null) {
            out.put("Plaintext", plaintext);
        }
        Integer limit = r.integer("Limit", 1, 1000);
        if (limit != null) {
            out.put("Limit", limit);
        }
        out.put("GrantTokens", r.grantTokens());
        out.put("EncryptionContext", r.stringMap("EncryptionContext"));
        return out;
    }

    @BeforeAll
    static void start() {
        Map<String, KmsOperation> ops = Map.of(
                "DescribeKey", LocalKmsServerProtocolTest::echo,
                "Boom", r -> {
                    throw new IllegalStateException("simulated bug");
                },
                "NotFound", r -> {
                    throw new KmsRequestException(AwsErrorType.NOT_FOUND, "Key 'x' does not exist");
                });
        open = LocalKmsServer.start(ops, 0, null);
        secured = LocalKmsServer.start(ops, 0, new SigV4Verifier(AK, SK, Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        open.close();
        secured.close();
    }

    private static HttpResponse<String> post(URI endpoint, String target, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("Content-Type", KmsHttpHandler.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<?, ?> json(HttpResponse<String> r) throws Json.ParseException {
        assertThat(r.headers().firstValue("Content-Type")).hasValue(KmsHttpHandler.CONTENT_TYPE);
        return (Map<?, ?>) Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        Map<?, ?> body = json(r);
        assertThat(body.get("__type")).isEqualTo(type);
        assertThat(body.get("message")).isInstanceOf(String.class);
        assertThat(r.body()).doesNotContain("at dev.arkhe").doesNotContain("Exception:");
    }

    private static void assertStillServing(URI endpoint) throws Exception {
        HttpResponse<String> r = post(endpoint, "TrentService.DescribeKey", "{\"KeyId\":\"k\"}");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void answersAnOperationWithJson() throws Exception {
        HttpResponse<String> r = post(open.endpoint(), "TrentService.DescribeKey",
                "{\"KeyId\":\"alias/a\",\"Plaintext\":\"AAEC\",\"Limit\":5,\"GrantTokens\":[\"g\"],"
                        + "\"EncryptionContext\":{\"k\":\"v\"},\"Unknown\":{\"ignored\":[1]}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
        Map<?, ?> body = json(r);
        assertThat(body.get("KeyId")).isEqualTo("alias/a");
        assertThat(body.get("Plaintext")).isEqualTo("AAEC");
        assertThat(body.get("GrantTokens")).isEqualTo(List.of("g"));
        assertThat(open.endpoint().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void modelledErrorsCarryTheirStatus() throws Exception {
        assertError(post(open.endpoint(), "TrentService.NotFound", "{}"), 404, "NotFoundException");
    }

    @Test
    void unexpectedFailuresAre500WithoutStackTraces() throws Exception {
        HttpResponse<String> r = post(open.endpoint(), "TrentService.Boom", "{}");
        assertError(r, 500, "KMSInternalException");
        assertThat(r.body()).doesNotContain("simulated bug");
        assertStillServing(open.endpoint());
    }

    @Test
    void unknownOrMissingTargets() throws Exception {
        assertError(post(open.endpoint(), "TrentService.Nope", "{}"), 400, "UnknownOperationException");
        assertError(post(open.endpoint(), "OtherService.DescribeKey", "{}"), 400, "UnknownOperationException");
        assertError(post(open.endpoint(), null, "{}"), 400, "UnknownOperationException");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(open.endpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 400, "UnknownOperationException");
        assertStillServing(open.endpoint());
    }

    @Test
    void malformedJsonIsASerializationException() throws Exception {
        for (String bad : List.of("{", "[]", "\"x\"", "{\"KeyId\":\"a\",\"KeyId\":\"b\"}", "{\"KeyId\":\"a\"} x",
                "[".repeat(10_000))) {
            assertError(post(open.endpoint(), "TrentService.DescribeKey", bad), 400, "SerializationException");
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(open.endpoint())
                .header("X-Amz-Target", "TrentService.DescribeKey")
                .header("Content-Type", KmsHttpHandler.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertError(r, 400, "SerializationException");
        assertError(HTTP.send(HttpRequest.newBuilder(open.endpoint())
                .header("X-Amz-Target", "TrentService.DescribeKey")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"KeyId\":\"k\"}")).build(),
                HttpResponse.BodyHandlers.ofString()), 400, "SerializationException");
        assertStillServing(open.endpoint());
    }

    @Test
    void wrongTypesAreSerializationExceptions() throws Exception {
        for (String bad : List.of("{\"KeyId\":5}", "{\"KeyId\":\"k\",\"Limit\":\"10\"}", "{\"KeyId\":\"k\",\"Limit\":1.5}",
                "{\"KeyId\":\"k\",\"Limit\":99999999999}", "{\"KeyId\":\"k\",\"GrantTokens\":\"t\"}",
                "{\"KeyId\":\"k\",\"GrantTokens\":[1]}", "{\"KeyId\":\"k\",\"EncryptionContext\":{\"a\":1}}",
                "{\"KeyId\":\"k\",\"Plaintext\":\"not base64!\"}", "{\"KeyId\":[\"k\"]}")) {
            assertError(post(open.endpoint(), "TrentService.DescribeKey", bad), 400, "SerializationException");
        }
    }

    @Test
    void constraintsAreValidationExceptions() throws Exception {
        String tooManyTokens = "[" + "\"t\",".repeat(10) + "\"t\"]";
        for (String bad : List.of("{}", "{\"KeyId\":null}", "{\"KeyId\":\"\"}",
                "{\"KeyId\":\"" + "k".repeat(2049) + "\"}", "{\"KeyId\":\"k\",\"Limit\":0}",
                "{\"KeyId\":\"k\",\"Limit\":1001}", "{\"KeyId\":\"k\",\"Plaintext\":\"\"}",
                "{\"KeyId\":\"k\",\"Plaintext\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[4097]) + "\"}",
                "{\"KeyId\":\"k\",\"GrantTokens\":" + tooManyTokens + "}")) {
            HttpResponse<String> r = post(open.endpoint(), "TrentService.DescribeKey", bad);
            assertError(r, 400, "ValidationException");
            assertThat((String) json(r).get("message")).startsWith("1 validation error detected: Value");
        }
        HttpResponse<String> ok = post(open.endpoint(), "TrentService.DescribeKey",
                "{\"KeyId\":\"" + "k".repeat(2048) + "\",\"Limit\":1000}");
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBodiesAreRefusedAndTheServerKeepsServing() throws Exception {
        String big = "{\"KeyId\":\"" + "k".repeat(KmsHttpHandler.MAX_BODY_BYTES) + "\"}";
        assertError(post(open.endpoint(), "TrentService.DescribeKey", big), 400, "ValidationException");
        // Without a Content-Length (chunked), the limit applies while reading.
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(open.endpoint())
                .header("X-Amz-Target", "TrentService.DescribeKey")
                .header("Content-Type", KmsHttpHandler.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 400, "ValidationException");
        assertStillServing(open.endpoint());
    }

    @Test
    void requireAuthAcceptsGoodSignaturesAndRefusesOthers() throws Exception {
        String body = "{\"KeyId\":\"k\"}";
        assertThat(signedPost(AK, SK, body).statusCode()).isEqualTo(200);
        assertError(signedPost(AK, "wrong-secret", body), 400, "InvalidSignatureException");
        assertError(signedPost("AKIAUNKNOWNUNKNOWN", SK, body), 400, "UnrecognizedClientException");
        assertError(post(secured.endpoint(), "TrentService.DescribeKey", body), 400,
                "MissingAuthenticationTokenException");
        assertStillServing(open.endpoint());
        assertThat(signedPost(AK, SK, body).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> signedPost(String ak, String sk, String body)
            throws IOException, InterruptedException {
        Map<String, List<String>> headers = SignedRequests.sign(secured.endpoint(), "DescribeKey", body, ak, sk,
                Clock.systemUTC());
        HttpRequest.Builder b = HttpRequest.newBuilder(secured.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, values) -> {
            // The JDK client sets Host and Content-Length itself, to the values that were signed.
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
