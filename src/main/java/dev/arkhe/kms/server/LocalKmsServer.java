package dev.arkhe.kms.server;

import com.sun.net.httpserver.HttpServer;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local endpoint speaking the AWS KMS JSON 1.1 protocol, so that the AWS CLI and every AWS
 * SDK can be pointed at it ({@code --endpoint-url}, {@code endpointOverride}).
 *
 * <p>It listens on 127.0.0.1 only, over plain HTTP: it is for development and tests on one
 * machine, not a network service. Requests are POSTs to {@code /} with
 * {@code X-Amz-Target: TrentService.<Operation>} and a JSON body; errors are answered as AWS
 * does, {@code {"__type":"NotFoundException","message":"..."}} with the HTTP status of the KMS
 * service model. By default any signature (or none) is accepted; with required credentials
 * every request must carry a valid SigV4 signature for them.
 */
public final class LocalKmsServer implements AutoCloseable {

    /**
     * Request threads. A thread is held while a request is read, so this bounds how many slow
     * clients the server can wait for at once; idle threads end after {@link #IDLE_THREAD}.
     */
    static final int THREADS = 32;
    private static final Duration IDLE_THREAD = Duration.ofSeconds(30);
    /** How long a client may take to send a request body (a KMS request is at most 1 MiB, over loopback). */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(10);

    private final HttpServer http;
    private final ExecutorService executor;
    private final ScheduledExecutorService watchdog;
    private final URI endpoint;
    private volatile boolean closed;

    private LocalKmsServer(HttpServer http, ExecutorService executor, ScheduledExecutorService watchdog) {
        this.http = http;
        this.executor = executor;
        this.watchdog = watchdog;
        this.endpoint = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /**
     * Starts a server in front of {@code backend} on 127.0.0.1 that accepts every request,
     * signed or not.
     *
     * @param backend the local KMS to serve; the server does not close it
     * @param port    the port, or 0 for a free one (see {@link #endpoint()})
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static LocalKmsServer start(LocalKmsBackend backend, int port) {
        return builder(backend).port(port).start();
    }

    /** A builder for a server in front of {@code backend}, for the options {@link #start} lacks. */
    public static Builder builder(LocalKmsBackend backend) {
        return new Builder(backend);
    }

    /**
     * Starts a server for the given operations.
     *
     * @param operations the operations by name
     * @param port       the port on 127.0.0.1, 0 for a free one
     * @param verifier   the signature check, or null to accept every request
     * @throws UncheckedIOException if the port cannot be bound
     */
    static LocalKmsServer start(Map<String, KmsOperation> operations, int port, SigV4Verifier verifier) {
        return start(operations, port, verifier, BODY_DEADLINE);
    }

    /** As {@link #start(Map, int, SigV4Verifier)}, with the deadline for request bodies. */
    static LocalKmsServer start(Map<String, KmsOperation> operations, int port, SigV4Verifier verifier,
                                Duration bodyDeadline) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port),
                    64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, IDLE_THREAD.toSeconds(),
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads("arkhe-kms-server-"));
        executor.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1,
                daemonThreads("arkhe-kms-server-deadline-"));
        watchdog.setRemoveOnCancelPolicy(true); // one timer per request, nearly all cancelled
        http.setExecutor(executor);
        http.createContext("/", new KmsHttpHandler(operations, verifier, watchdog, bodyDeadline));
        http.start();
        return new LocalKmsServer(http, executor, watchdog);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true); // a forgotten server must not keep a JVM alive
            return t;
        };
    }

    /** The base URI to point clients at, e.g. {@code http://127.0.0.1:48213}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The port the server listens on. */
    public int port() {
        return endpoint.getPort();
    }

    /**
     * Stops listening, drops open connections and waits briefly for running requests.
     * Idempotent. Does not close the backend.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // stop(0): JDK 17's stop(n) always waits the full n seconds, even when idle.
        http.stop(0);
        watchdog.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Configures and starts a {@link LocalKmsServer}. Not thread-safe. */
    public static final class Builder {
        private final LocalKmsBackend backend;
        private int port;
        private SigV4Verifier verifier;

        private Builder(LocalKmsBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** The port on 127.0.0.1; default 0, a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Requires every request to carry a valid AWS SigV4 signature made with these
         * credentials; others are refused as AWS refuses them (MissingAuthenticationToken,
         * UnrecognizedClient, InvalidSignature). By default any request is accepted.
         *
         * @throws IllegalArgumentException for an empty access key or secret key
         */
        public Builder requireAuth(String accessKeyId, String secretAccessKey) {
            this.verifier = new SigV4Verifier(accessKeyId, secretAccessKey, Clock.systemUTC());
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @throws UncheckedIOException if the port cannot be bound
         */
        public LocalKmsServer start() {
            return LocalKmsServer.start(new KmsOperations(backend, Clock.systemUTC()).all(), port, verifier);
        }
    }

    @Override
    public String toString() {
        return "LocalKmsServer[" + endpoint + (closed ? ", closed" : "") + "]";
    }
}
