package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SigV4VerifierTest {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4599");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String AK = "AKIDEXAMPLE";
    private static final String SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String BODY = "{\"KeyId\":\"alias/x\"}";

    private final SigV4Verifier verifier = new SigV4Verifier(AK, SK, NOW);

    private void verify(Map<String, List<String>> headers, String body) throws KmsRequestException {
        verifier.verify("POST", "/", null, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static AwsErrorType failure(ThrowingCall call) {
        try {
            call.run();
        } catch (KmsRequestException e) {
            return e.type();
        }
        throw new AssertionError("expected a KmsRequestException");
    }

    private interface ThrowingCall {
        void run() throws KmsRequestException;
    }

    @Test
    void acceptsTheSdkSignature() {
        Map<String, List<String>> h = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        assertThatCode(() -> verify(h, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsSignaturesWithinFifteenMinutesOfSkew() {
        Clock early = Clock.offset(NOW, Duration.ofMinutes(-14));
        Map<String, List<String>> h = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, early);
        assertThatCode(() -> verify(h, BODY)).doesNotThrowAnyException();
    }

    @Test
    void refusesAsAwsDoes() {
        assertThat(failure(() -> verify(new TreeMap<>(), BODY))).isEqualTo(AwsErrorType.MISSING_AUTHENTICATION_TOKEN);
        assertThat(failure(() -> verify(SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, "OTHERKEY", SK, NOW), BODY)))
                .isEqualTo(AwsErrorType.UNRECOGNIZED_CLIENT);
        assertThat(failure(() -> verify(SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, "wrong", NOW), BODY)))
                .isEqualTo(AwsErrorType.INVALID_SIGNATURE);
        // The body is covered by the signature.
        assertThat(failure(() -> verify(SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW),
                "{\"KeyId\":\"alias/y\"}"))).isEqualTo(AwsErrorType.INVALID_SIGNATURE);
        // So is a signed target header (refusedUnlessTheTargetIsSigned covers an unsigned one).
        Map<String, List<String>> h = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        h.put("X-Amz-Target", List.of("TrentService.ScheduleKeyDeletion"));
        assertThat(failure(() -> verify(h, BODY))).isEqualTo(AwsErrorType.INVALID_SIGNATURE);
        Clock late = Clock.offset(NOW, Duration.ofMinutes(16));
        assertThat(failure(() -> verify(SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, late), BODY)))
                .isEqualTo(AwsErrorType.INVALID_SIGNATURE);
    }

    @Test
    void refusesIncompleteHeaders() {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/kms/aws4_request"));
        assertThat(failure(() -> verify(h, BODY))).isEqualTo(AwsErrorType.INCOMPLETE_SIGNATURE);
        h.put("Authorization", List.of("AWS AKIDEXAMPLE:abc"));
        assertThat(failure(() -> verify(h, BODY))).isEqualTo(AwsErrorType.INCOMPLETE_SIGNATURE);
        Map<String, List<String>> noDate = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        noDate.remove("X-Amz-Date");
        assertThat(failure(() -> verify(noDate, BODY))).isEqualTo(AwsErrorType.INCOMPLETE_SIGNATURE);
        Map<String, List<String>> badSig = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        badSig.put("Authorization", List.of(badSig.get("Authorization").get(0).replaceAll("Signature=.*", "Signature=zz")));
        assertThat(failure(() -> verify(badSig, BODY))).isEqualTo(AwsErrorType.INVALID_SIGNATURE);
    }

    @Test
    void refusesAnotherService() {
        String auth = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW).get("Authorization").get(0);
        Map<String, List<String>> h = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        h.put("Authorization", List.of(auth.replace("/kms/", "/s3/")));
        assertThatThrownBy(() -> verify(h, BODY)).isInstanceOf(KmsRequestException.class)
                .hasMessageContaining("'kms'");
    }

    @Test
    void refusesAnUnsignedDate() {
        Map<String, List<String>> h = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        String auth = h.get("Authorization").get(0);
        h.put("Authorization", List.of(auth.replace(";x-amz-date", "")));
        assertThatThrownBy(() -> verify(h, BODY)).isInstanceOfSatisfying(KmsRequestException.class,
                e -> assertThat(e.type()).isEqualTo(AwsErrorType.INVALID_SIGNATURE)).hasMessageContaining("X-Amz-Date");
    }

    /**
     * A signature that does not cover X-Amz-Target would let a captured DescribeKey be replayed
     * as ScheduleKeyDeletion: the signature is otherwise valid, so only the rule refuses it.
     */
    @Test
    void refusesAnUnsignedTargetHeader() {
        Map<String, List<String>> h = SignedRequests.signHeaders(ENDPOINT,
                Map.of("Content-Type", KmsHttpHandler.CONTENT_TYPE), BODY, AK, SK, NOW);
        h.put("X-Amz-Target", List.of("TrentService.ScheduleKeyDeletion"));
        assertThatThrownBy(() -> verify(h, BODY)).isInstanceOfSatisfying(KmsRequestException.class,
                e -> assertThat(e.type()).isEqualTo(AwsErrorType.INVALID_SIGNATURE)).hasMessageContaining("X-Amz-Target");
    }

    @Test
    void refusesAnUnsignedAmzHeaderButNotAnUnsignedContentType() throws Exception {
        // Every accepted content type is read by the same JSON reader: an unsigned one changes nothing.
        Map<String, List<String>> noType = SignedRequests.signHeaders(ENDPOINT,
                Map.of("X-Amz-Target", "TrentService.DescribeKey"), BODY, AK, SK, NOW);
        noType.put("Content-Type", List.of(KmsHttpHandler.CONTENT_TYPE));
        verify(noType, BODY);
        Map<String, List<String>> token = SignedRequests.sign(ENDPOINT, "DescribeKey", BODY, AK, SK, NOW);
        token.put("X-Amz-Security-Token", List.of("injected"));
        assertThatThrownBy(() -> verify(token, BODY)).isInstanceOfSatisfying(KmsRequestException.class,
                e -> assertThat(e.type()).isEqualTo(AwsErrorType.INVALID_SIGNATURE))
                .hasMessageContaining("X-Amz-Security-Token");
    }

    /** The server hashes the body it received, so an unsigned payload-hash header changes nothing. */
    @Test
    void acceptsAnUnsignedContentSha256Header() {
        // The SDK signer always signs this header, so sign by hand with the verifier's own steps.
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("content-type", List.of(KmsHttpHandler.CONTENT_TYPE));
        h.put("host", List.of("127.0.0.1:4599"));
        h.put("x-amz-date", List.of("20260301T100000Z"));
        h.put("x-amz-target", List.of("TrentService.DescribeKey"));
        List<String> signed = List.of("content-type", "host", "x-amz-date", "x-amz-target");
        String canonical = SigV4Verifier.canonicalRequest("POST", "/", null, h, signed,
                BODY.getBytes(StandardCharsets.UTF_8));
        String stringToSign = "AWS4-HMAC-SHA256\n20260301T100000Z\n20260301/us-east-1/kms/aws4_request\n"
                + HexFormat.of().formatHex(SigV4Verifier.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] k = SigV4Verifier.hmac(("AWS4" + SK).getBytes(StandardCharsets.UTF_8), "20260301");
        k = SigV4Verifier.hmac(k, "us-east-1");
        k = SigV4Verifier.hmac(k, "kms");
        k = SigV4Verifier.hmac(k, "aws4_request");
        h.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=" + AK + "/20260301/us-east-1/kms/aws4_request, "
                + "SignedHeaders=" + String.join(";", signed) + ", Signature="
                + HexFormat.of().formatHex(SigV4Verifier.hmac(k, stringToSign))));
        assertThatCode(() -> verify(h, BODY)).doesNotThrowAnyException();
        h.put("X-Amz-Content-SHA256", List.of("UNSIGNED-PAYLOAD"));
        assertThatCode(() -> verify(h, BODY)).doesNotThrowAnyException();
    }

    /** The worked example of the AWS SigV4 documentation (IAM ListUsers, 2015-08-30). */
    @Test
    void matchesTheAwsDocumentationExample() {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("content-type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        h.put("host", List.of("iam.amazonaws.com"));
        h.put("x-amz-date", List.of("20150830T123600Z"));
        String canonical = SigV4Verifier.canonicalRequest("GET", "/", "Action=ListUsers&Version=2010-05-08", h,
                List.of("content-type", "host", "x-amz-date"), new byte[0]);
        assertThat(HexFormat.of().formatHex(SigV4Verifier.sha256(canonical.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        byte[] k = SigV4Verifier.hmac(("AWS4" + SK).getBytes(StandardCharsets.UTF_8), "20150830");
        k = SigV4Verifier.hmac(k, "us-east-1");
        k = SigV4Verifier.hmac(k, "iam");
        k = SigV4Verifier.hmac(k, "aws4_request");
        String stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                + "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
        assertThat(HexFormat.of().formatHex(SigV4Verifier.hmac(k, stringToSign)))
                .isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }
}
