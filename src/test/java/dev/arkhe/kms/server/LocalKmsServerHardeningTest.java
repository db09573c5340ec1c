package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.testing.LocalKms;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** Requests a well-behaved SDK never sends, made by hand against a real endpoint. */
@LocalKms
class LocalKmsServerHardeningTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static HttpResponse<String> post(URI endpoint, String operation, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", KmsHttpHandler.CONTENT_TYPE)
                .header("X-Amz-Target", KmsHttpHandler.TARGET_PREFIX + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<?, ?> json(HttpResponse<String> r) throws Json.ParseException {
        return (Map<?, ?>) Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    /** "\ud800" has no UTF-8 form; accepted, it and "\udbff" would both become the context "?". */
    @Test
    void encryptRefusesAnEncryptionContextWithALoneSurrogate(KmsClient kms, URI endpoint) throws Exception {
        String keyId = kms.createKey(r -> { }).keyMetadata().keyId();
        HttpResponse<String> r = post(endpoint, "Encrypt", "{\"KeyId\":\"" + keyId
                + "\",\"Plaintext\":\"AAEC\",\"EncryptionContext\":{\"tenant\":\"\\ud800\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("__type")).isEqualTo("SerializationException");
    }
}
