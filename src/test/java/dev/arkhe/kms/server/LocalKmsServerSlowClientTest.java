package dev.arkhe.kms.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clients that stall in their request body must not starve the others. */
class LocalKmsServerSlowClientTest {

    /** More stalled clients than request threads: without a deadline every thread would be stuck. */
    private static final int STALLED = LocalKmsServer.THREADS + 8;

    @Test
    void stalledBodiesAreCutOffAndOtherClientsAreStillServed() throws Exception {
        Map<String, KmsOperation> ops = Map.of("DescribeKey", r -> Map.of("KeyId", "k"));
        List<Socket> stalled = new ArrayList<>();
        try (LocalKmsServer server = LocalKmsServer.start(ops, 0, null, Duration.ofSeconds(2))) {
            for (int i = 0; i < STALLED; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                stalled.add(s);
                OutputStream out = s.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                        + "X-Amz-Target: TrentService.DescribeKey\r\n"
                        + "Content-Type: " + KmsHttpHandler.CONTENT_TYPE + "\r\n"
                        + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }

            // A hang guard, not a performance bound: the request queues until deadlines free threads.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", KmsHttpHandler.CONTENT_TYPE)
                    .header("X-Amz-Target", "TrentService.DescribeKey")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            for (Socket s : stalled) {
                assertThat(closedByServer(s)).as("stalled connection closed by the server").isTrue();
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** Whether the server closes {@code s} within 15 s: end of stream, or a reset. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(15_000);
        try {
            while (true) {
                if (s.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }
}
