package dev.arkhe.kms.testsupport;

import dev.arkhe.kms.aws.AwsKmsBackend;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A {@code moto_server} process on a free loopback port, for tests that need a real
 * KMS-compatible endpoint.
 *
 * <p>Use it per test class, either through the extension
 * ({@code @ExtendWith(MotoServer.PerClass.class)}, then take a {@code MotoServer} parameter in
 * {@code @BeforeAll} or a test method) or by hand with {@link #start()} in {@code @BeforeAll}
 * and {@link #close()} in {@code @AfterAll}. When {@code moto_server} is missing the test
 * fails under {@code CI=true} and is skipped elsewhere (see {@link Tools}).
 *
 * <p>moto accepts any credentials; {@link #newClient()} uses static dummy ones and region
 * {@value #REGION}. It does not enforce key states (see DESIGN.md).
 */
public final class MotoServer implements AutoCloseable {

    /** The region every client of this server uses; moto builds ARNs with it. */
    public static final String REGION = "us-east-1";
    /** Dummy access key id; moto accepts any. */
    public static final String ACCESS_KEY_ID = "testing";
    /** Dummy secret key; moto accepts any. */
    public static final String SECRET_ACCESS_KEY = "testing";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a server and waits until it answers HTTP.
     *
     * @throws IOException if it cannot be started or does not answer within a minute
     */
    public static MotoServer start() throws IOException {
        Path executable = Tools.motoServer();
        IOException last = null;
        // A free port can be taken between probing and binding; a few fresh ports settle that.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log = Files.createTempFile("moto-server-" + port + "-", ".log");
            Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            MotoServer server = new MotoServer(process, port, log);
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The file that holds the server's output, for diagnosing a failure. */
    public Path log() {
        return log;
    }

    /**
     * A plain SDK client for this server: URL-connection HTTP client, static dummy
     * credentials, region {@value #REGION}. The caller closes it.
     */
    public KmsClient newClient() {
        return KmsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * A backend builder for {@code endpoint}: region {@value #REGION} and the static dummy
     * credentials, so tests differ only in what they set on top.
     */
    public static AwsKmsBackend.Builder backendBuilder(URI endpoint) {
        return AwsKmsBackend.builder().region(REGION).endpoint(endpoint).credentialsProvider(credentials());
    }

    /** {@link #backendBuilder(URI)} for this server. */
    public AwsKmsBackend.Builder backendBuilder() {
        return backendBuilder(endpoint());
    }

    /** Static dummy credentials moto accepts. */
    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    /** Stops the server and every process it started. Idempotent. */
    @Override
    public void close() {
        // moto_server may be a pyenv shim that execs or forks python: stop the whole tree.
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "MotoServer[" + endpoint() + ", pid " + process.pid() + "]";
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        URI probe = URI.create(endpoint() + "/moto-api/");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("moto_server exited with " + process.exitValue() + " before answering; output: "
                        + tail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) probe.toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                try {
                    // An answer alone could come from another suite's server that took the port
                    // between probing and binding; only our own process's banner proves it is ours.
                    if (c.getResponseCode() > 0 && process.isAlive() && printedOwnBanner()) {
                        return;
                    }
                } finally {
                    c.disconnect();
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for moto_server", e);
            }
        }
        throw new IOException("moto_server did not answer on " + endpoint() + " within " + STARTUP_TIMEOUT
                + "; output: " + tail());
    }

    private boolean printedOwnBanner() {
        try {
            return Files.readString(log).contains("Running on http://127.0.0.1:" + port);
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            String out = Files.readString(log);
            return out.length() <= 2000 ? out : out.substring(out.length() - 2000);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * JUnit 5 extension: one server per test class, started before {@code @BeforeAll} methods
     * and stopped after the class; resolves {@code MotoServer} parameters.
     */
    public static final class PerClass implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MotoServer.class);

        /**
         * Without moto_server the class is reported as skipped with the reason (a class-level
         * abort would show as zero tests run, hiding why); under CI=true it fails instead.
         */
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (Tools.find(Tools.MOTO_SERVER).isPresent()) {
                return ConditionEvaluationResult.enabled("moto_server is on the PATH");
            }
            if (Tools.isCi()) {
                Tools.motoServer(); // fails the container with the reason
            }
            return ConditionEvaluationResult.disabled(Tools.skipReason(Tools.MOTO_SERVER, Tools.MOTO_HINT));
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            server(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == MotoServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return server(context);
        }

        private static MotoServer server(ExtensionContext context) {
            // beforeAll stores the server in the class-level store, which closes AutoCloseable
            // values when the class is done; method-level stores find it through their parent.
            return context.getStore(NS).getOrComputeIfAbsent(MotoServer.class, k -> {
                try {
                    return start();
                } catch (IOException e) {
                    throw new IllegalStateException("could not start moto_server", e);
                }
            }, MotoServer.class);
        }
    }
}
