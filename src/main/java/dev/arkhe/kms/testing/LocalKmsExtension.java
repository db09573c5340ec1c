package dev.arkhe.kms.testing;

import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.server.LocalKmsServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContextException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The JUnit 5 extension behind {@link LocalKms}: one local KMS endpoint per test class,
 * injected into parameters of type {@link URI}, {@link KmsClient}, {@link AwsKmsBackend} (over that
 * client), {@link LocalKmsBackend} and {@link LocalKmsServer}.
 */
public final class LocalKmsExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** The dummy access key id of the injected client; the endpoint accepts any credentials. */
    public static final String ACCESS_KEY_ID = "AKIALOCALKMSTEST0000";
    /** The dummy secret access key of the injected client. */
    public static final String SECRET_ACCESS_KEY = "local-kms-test-secret";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalKmsExtension.class);

    /** Creates the extension; JUnit does this for {@link LocalKms}. */
    public LocalKmsExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running(context);
    }

    /**
     * The endpoint of the test class, started on first use. Under
     * {@code @TestInstance(PER_CLASS)} JUnit creates the test instance, and so resolves
     * constructor parameters, before {@code beforeAll}: whichever comes first starts it. It lives
     * in the class-level store (an enclosing class's for {@code @Nested} classes), never in a
     * method's, which would close it after one test.
     */
    private static Running running(ExtensionContext context) {
        ExtensionContext classLevel = context;
        while (classLevel.getTestMethod().isPresent() && classLevel.getParent().isPresent()) {
            classLevel = classLevel.getParent().get();
        }
        return classLevel.getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).remove(Running.class, Running.class);
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == URI.class || type == KmsClient.class || type == AwsKmsBackend.class
                || type == LocalKmsBackend.class || type == LocalKmsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running running = running(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == URI.class) {
            return running.server.endpoint();
        }
        if (type == KmsClient.class) {
            return running.client;
        }
        if (type == AwsKmsBackend.class) {
            return running.awsBackend;
        }
        if (type == LocalKmsBackend.class) {
            return running.backend;
        }
        return running.server;
    }

    /** One running endpoint with everything it owns; closed by afterAll (JUnit also closes AutoCloseable store values). */
    private static final class Running implements AutoCloseable {
        final Path dir;
        final LocalKmsBackend backend;
        final LocalKmsServer server;
        final KmsClient client;
        final AwsKmsBackend awsBackend;
        private boolean closed;

        private Running(Path dir, LocalKmsBackend backend, LocalKmsServer server, KmsClient client) {
            this.dir = dir;
            this.backend = backend;
            this.server = server;
            this.client = client;
            this.awsBackend = AwsKmsBackend.wrapping(client);
        }

        static Running start() {
            Path dir;
            try {
                dir = Files.createTempDirectory("arkhe-local-kms-");
            } catch (IOException e) {
                throw new ExtensionContextException("@LocalKms: cannot create a temporary directory", e);
            }
            LocalKmsBackend backend = null;
            LocalKmsServer server = null;
            try {
                backend = LocalKmsBackend.open(dir.resolve("store"));
                server = LocalKmsServer.start(backend, 0);
                KmsClient client = KmsClient.builder()
                        .endpointOverride(server.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
                return new Running(dir, backend, server, client);
            } catch (KmsException | RuntimeException e) {
                if (server != null) {
                    server.close();
                }
                if (backend != null) {
                    backend.close();
                }
                deleteRecursively(dir);
                throw new ExtensionContextException("@LocalKms: cannot start the local KMS endpoint: " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            awsBackend.close();
            client.close();
            server.close();
            backend.close();
            deleteRecursively(dir);
        }

        private static void deleteRecursively(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // best effort: a temporary directory
                    }
                });
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
