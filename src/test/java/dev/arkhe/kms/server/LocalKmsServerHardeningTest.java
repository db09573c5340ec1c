package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import dev.arkhe.kms.testing.LocalKms;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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

    @Test
    void errorMessagesDoNotRevealTheStoreDirectory(LocalKmsBackend backend, URI endpoint) throws Exception {
        String missing = UUID.randomUUID().toString();
        HttpResponse<String> r = post(endpoint, "DescribeKey", "{\"KeyId\":\"" + missing + "\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        Map<?, ?> error = json(r);
        assertThat(error.get("__type")).isEqualTo("NotFoundException");
        assertThat((String) error.get("message")).contains(missing)
                .doesNotContain(backend.directory().toString()).doesNotContain("local KMS store");
    }

    @Test
    void storePathIsRemovedFromEveryMention() {
        java.nio.file.Path dir = java.nio.file.Path.of("/tmp/arkhe-x/store");
        assertThat(KmsOperations.withoutStorePath("describe: KEK k not found in local KMS store /tmp/arkhe-x/store", dir))
                .isEqualTo("describe: KEK k not found");
        assertThat(KmsOperations.withoutStorePath("cannot persist: /tmp/arkhe-x/store/keys.tmp: denied", dir))
                .isEqualTo("cannot persist: <local store>/keys.tmp: denied");
    }

    /**
     * One request over a raw socket, because the JDK's HTTP client refuses to set Host; returns
     * the status line and, after a blank line, the body.
     */
    static String raw(int port, String hostHeader) throws Exception {
        String body = "{}";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\n" + (hostHeader == null ? "" : "Host: " + hostHeader + "\r\n")
                    + "Content-Type: " + KmsHttpHandler.CONTENT_TYPE + "\r\n"
                    + "X-Amz-Target: TrentService.ListKeys\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                response.write(buf, 0, n);
            }
            String text = response.toString(StandardCharsets.UTF_8);
            return text.substring(0, text.indexOf("\r\n")) + "\n\n" + text.substring(text.indexOf("\r\n\r\n") + 4);
        }
    }

    /** DNS rebinding: a web page's requests reach 127.0.0.1 but name the page's host. */
    @Test
    void refusesAHostHeaderThatIsNotThisEndpoint(URI endpoint) throws Exception {
        int port = endpoint.getPort();
        for (String forged : new String[] {"attacker.example:" + port, "attacker.example", "127.0.0.1:" + (port + 1),
                "127.0.0.1.attacker.example:" + port}) {
            String response = raw(port, forged);
            assertThat(response).as(forged).startsWith("HTTP/1.1 400").contains("\"AccessDeniedException\"")
                    .contains("Host");
        }
        assertThat(raw(port, null)).startsWith("HTTP/1.1 400").contains("\"AccessDeniedException\"");
    }

    @Test
    void acceptsTheLocalHostNamesWithOrWithoutThePort(URI endpoint) throws Exception {
        int port = endpoint.getPort();
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port,
                "[::1]:" + port, "127.0.0.1", "localhost", "[::1]"}) {
            assertThat(raw(port, host)).as(host).startsWith("HTTP/1.1 200").contains("\"Keys\"");
        }
    }

    @Test
    void refusesRequestsWithAnOriginHeader(URI endpoint) throws Exception {
        HttpResponse<String> r = post(endpoint, "ListKeys", "{}", "Origin", "http://127.0.0.1:" + endpoint.getPort());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("__type")).isEqualTo("AccessDeniedException");
        assertThat(post(endpoint, "ListKeys", "{}").statusCode()).isEqualTo(200);
    }
}
