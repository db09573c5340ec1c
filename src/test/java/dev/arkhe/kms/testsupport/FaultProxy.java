package dev.arkhe.kms.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A loopback HTTP/1.1 proxy for fault injection: it reads each request, counts it, and then,
 * as its {@linkplain #policy(IntFunction) policy} decides, forwards it to the target, answers
 * with a KMS throttling error, never answers, or drops the connection.
 *
 * <p>Test code only. It understands exactly what AWS SDK JSON requests look like
 * (Content-Length bodies, no chunked uploads) and binds to 127.0.0.1 only. Every wait is
 * bounded, and {@link #close()} releases stalled connections.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do with one request. */
    public enum Action {
        /** Forward to the target and relay its answer. */
        FORWARD,
        /** Answer HTTP 400 {@code {"__type":"ThrottlingException","message":"Rate exceeded"}}. */
        THROTTLE,
        /** Read the request and never answer (until the proxy closes). */
        STALL,
        /** Close the connection without answering. */
        DROP
    }

    private static final byte[] THROTTLE_BODY =
            "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.US_ASCII);
    /** Request headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection");
    private static final Duration MAX_STALL = Duration.ofSeconds(120);

    private final URI target;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient forwarder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile IntFunction<Action> policy = n -> Action.FORWARD;

    private FaultProxy(URI target, ServerSocket server) {
        this.target = target;
        this.server = server;
    }

    /** Starts a proxy on a free loopback port in front of {@code target} (an http URI). */
    public static FaultProxy start(URI target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(target, server);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /**
     * Sets what happens to each request from now on; the function gets the request's
     * 1-based number (as counted by {@link #requestCount()}).
     */
    public void policy(IntFunction<Action> policy) {
        this.policy = policy;
    }

    /** Applies one action to every request. */
    public void always(Action action) {
        policy(n -> action);
    }

    /** Requests received so far, whatever was done with them. */
    public int requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout((int) MAX_STALL.toMillis());
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                Request request = Request.read(in);
                if (request == null) {
                    return;
                }
                int n = requests.incrementAndGet();
                switch (policy.apply(n)) {
                    case FORWARD -> forward(request, out);
                    case THROTTLE -> respond(out, 400, "application/x-amz-json-1.1", THROTTLE_BODY);
                    case STALL -> {
                        closing.await(MAX_STALL.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                    case DROP -> {
                        client.setSoLinger(true, 0); // reset, so the client sees a hard failure
                        return;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client went away or the proxy is closing.
        } finally {
            open.remove(client);
        }
    }

    private void forward(Request request, OutputStream out) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(request.path))
                .timeout(Duration.ofSeconds(30))
                .method(request.method, HttpRequest.BodyPublishers.ofByteArray(request.body));
        request.headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                b.header(name, value);
            }
        });
        HttpResponse<byte[]> response = forwarder.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        respond(out, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.1"), response.body());
    }

    private static void respond(OutputStream out, int status, String contentType, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Status") + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "x-amzn-RequestId: fault-proxy\r\n"
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    /** One HTTP/1.1 request as the SDK sends it. */
    private record Request(String method, String path, Map<String, String> headers, byte[] body) {

        /** The next request on the connection, or null at a clean end of stream. */
        static Request read(InputStream in) throws IOException {
            String requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
            String[] parts = requestLine.split(" ");
            if (parts.length < 3) {
                throw new IOException("bad request line");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            int length = 0;
            for (int i = 0; i < 200; i++) {
                String line = readLine(in);
                if (line == null) {
                    throw new IOException("end of stream in headers");
                }
                if (line.isEmpty()) {
                    byte[] body = in.readNBytes(length);
                    if (body.length != length) {
                        throw new IOException("short body");
                    }
                    return new Request(parts[0], parts[1], headers, body);
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String name = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    headers.put(name, value);
                    if (name.equalsIgnoreCase("Content-Length")) {
                        length = Integer.parseInt(value);
                    }
                }
            }
            throw new IOException("too many headers");
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int i = 0; i < 16384; i++) {
                int c = in.read();
                if (c < 0) {
                    return line.size() == 0 && i == 0 ? null : line.toString(StandardCharsets.US_ASCII);
                }
                if (c == '\n') {
                    String s = line.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(c);
            }
            throw new IOException("line too long");
        }
    }
}
