package dev.arkhe.kms.cli;

import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.server.LocalKmsServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arkhe-kms serve}: the AWS KMS API on 127.0.0.1 in front of the local store. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the AWS KMS JSON API on 127.0.0.1 in front of the local store, for the AWS CLI"
                + " (--endpoint-url) and any AWS SDK (endpoint override). Runs until interrupted (Ctrl-C).",
                "The store stays locked while serving: other arkhe-kms commands should use the endpoint."})
final class ServeCommand implements Callable<Integer> {

    /** The default port; clear of moto_server's 5000 and LocalStack's 4566. */
    static final int DEFAULT_PORT = 4599;

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, defaultValue = "" + DEFAULT_PORT,
            description = "Port on 127.0.0.1; 0 picks a free port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--require-auth", paramLabel = "ACCESS_KEY:SECRET_KEY",
            description = "Refuse requests not signed (AWS SigV4) with these credentials. Without it any signature,"
                    + " or none, is accepted. Command lines are visible to other local users: use throwaway"
                    + " test credentials, never real AWS ones.")
    String requireAuth;

    /** Counted down to stop serving; the shutdown hook (Ctrl-C) does it, tests may too. */
    final CountDownLatch stop = new CountDownLatch(1);
    /** Counted down once the server and the store are closed, so the shutdown hook can wait for it. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The running server, for tests; null until started. */
    volatile LocalKmsServer server;

    @Override
    public Integer call() throws CliFailure, InterruptedException {
        if (port < 0 || port > 65535) {
            throw CliFailure.badInput("--port must be 0 to 65535, got " + port);
        }
        String accessKey = null;
        String secretKey = null;
        if (requireAuth != null) {
            int colon = requireAuth.indexOf(':');
            if (colon <= 0 || colon == requireAuth.length() - 1) {
                throw CliFailure.badInput("--require-auth takes ACCESS_KEY:SECRET_KEY, both non-empty");
            }
            accessKey = requireAuth.substring(0, colon);
            secretKey = requireAuth.substring(colon + 1);
        }
        LocalKmsBackend backend = backendOptions.openLocal();
        LocalKmsServer started;
        try {
            LocalKmsServer.Builder builder = LocalKmsServer.builder(backend).port(port);
            if (accessKey != null) {
                builder.requireAuth(accessKey, secretKey);
            }
            started = builder.start();
        } catch (UncheckedIOException e) {
            backend.close();
            throw new CliFailure(CliFailure.BACKEND, "cannot serve on 127.0.0.1:" + port + ": "
                    + e.getCause().getMessage());
        }
        server = started;
        // On Ctrl-C the JVM exits once the hooks are done: the hook waits until the store is
        // closed (its last change persisted, its lock released) before letting it.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "arkhe-kms-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("arkhe-kms: AWS KMS API at " + started.endpoint() + " (store " + backend.directory() + ")");
        out.println(accessKey == null ? "arkhe-kms: any credentials are accepted"
                : "arkhe-kms: requests must be signed with access key " + accessKey);
        out.println("arkhe-kms: try  aws kms create-key --endpoint-url " + started.endpoint() + " --region us-east-1");
        out.println("arkhe-kms: Ctrl-C stops the server");
        out.flush();
        try {
            stop.await();
        } finally {
            started.close();
            backend.close();
            out.println("arkhe-kms: stopped");
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        return 0;
    }
}
