package dev.arkhe.kms.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Signs KMS requests with the AWS SDK's own SigV4 signer: an independent implementation to test against. */
final class SignedRequests {

    private SignedRequests() {
    }

    /** The headers of a signed {@code TrentService.<operation>} POST to {@code endpoint}. */
    static Map<String, List<String>> sign(URI endpoint, String operation, String body, String accessKey,
                                          String secretKey, Clock clock) {
        return signHeaders(endpoint, Map.of("Content-Type", KmsHttpHandler.CONTENT_TYPE,
                "X-Amz-Target", KmsHttpHandler.TARGET_PREFIX + operation), body, accessKey, secretKey, clock);
    }

    /**
     * The headers of a signed POST to {@code endpoint} carrying exactly {@code toSign} (plus the
     * Host and X-Amz-Date the signer adds); headers added to the result afterwards are unsigned.
     */
    static Map<String, List<String>> signHeaders(URI endpoint, Map<String, String> toSign, String body,
                                                 String accessKey, String secretKey, Clock clock) {
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"));
        toSign.forEach(builder::putHeader);
        SdkHttpRequest request = builder.build();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(signed.request().headers());
        return headers;
    }
}
