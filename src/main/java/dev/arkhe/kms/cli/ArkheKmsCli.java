package dev.arkhe.kms.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code arkhe-kms} command line: a local AWS KMS endpoint ({@code serve}), key
 * administration and envelope operations on the local store, and a crypto-shredding
 * {@code demo}.
 *
 * <p>Exit codes: 0 success; 1 unexpected failure; 2 bad input (usage, files, ids, blobs that
 * cannot be opened); 3 the key does not exist; 4 the KMS refused or failed (key disabled or
 * pending deletion, store in use or damaged, access denied).
 */
@Command(name = "arkhe-kms", mixinStandardHelpOptions = true, version = "arkhe-kms 0.1.0",
        description = "KMS-backed envelope encryption and crypto-shredding: a local AWS KMS endpoint and key tools.",
        subcommands = {ServeCommand.class, CreateKeyCommand.class, GenerateDekCommand.class, WrapCommand.class,
                UnwrapCommand.class, RewrapCommand.class, DeleteKeyCommand.class, DescribeCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  unexpected failure", "  2  bad input (usage, files, ids, unopenable blobs)",
                "  3  the key does not exist", "  4  the KMS refused or failed (disabled, pending deletion, store"
                + " in use, I/O)"})
public final class ArkheKmsCli implements Runnable {

    @Spec
    CommandSpec spec;

    /** Without a command, explains the usage (exit code 2). */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        boundRequestTime();
        int code;
        try (PrintWriter out = new PrintWriter(System.out, true); PrintWriter err = new PrintWriter(System.err, true)) {
            code = execute(out, err, args);
        }
        System.exit(code);
    }

    /**
     * Bounds how long a client of {@code serve} may take to send a whole request, headers
     * included: LocalKmsServer's own deadline covers only the body, because the JDK HTTP server
     * reads request headers before any handler runs. The JDK reads this property once, when its
     * HTTP server classes load, so it is set here, first thing in the process, and only if the
     * user did not set it. (Applications embedding LocalKmsServer can pass
     * {@code -Dsun.net.httpserver.maxReqTime=SECONDS} themselves.)
     */
    static void boundRequestTime() {
        if (System.getProperty(MAX_REQUEST_SECONDS_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_SECONDS_PROPERTY, "30");
        }
    }

    private static final String MAX_REQUEST_SECONDS_PROPERTY = "sun.net.httpserver.maxReqTime";

    /**
     * Runs the command line without exiting, writing to the given streams.
     *
     * @return the exit code (see the class comment)
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ArkheKmsCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliFailure failure) {
                commandLine.getErr().println("arkhe-kms " + commandLine.getCommandName() + ": " + failure.getMessage());
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            // A bug, not an answer: say what it was, without a stack trace for the user.
            commandLine.getErr().println("arkhe-kms " + commandLine.getCommandName() + ": unexpected failure: " + e);
            commandLine.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }
}
