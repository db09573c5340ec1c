package dev.arkhe.kms.cli;

import dev.arkhe.kms.DekId;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms rewrap}: moves a wrapped key from one KEK to another. */
@Command(name = "rewrap", mixinStandardHelpOptions = true,
        description = "Re-wrap a wrapped key from one KEK to another without exposing it; print the new wrapped form"
                + " (Base64) and its DekId.")
final class RewrapCommand extends KeyCommand {

    @Option(names = "--from", required = true, paramLabel = "KEK", description = "The KEK the key is wrapped under now.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "KEK", description = "The KEK to wrap it under.")
    String to;

    @Option(names = {"-w", "--wrapped"}, paramLabel = "BASE64", description = "The wrapped key.")
    String wrapped;

    @Option(names = "--wrapped-file", paramLabel = "FILE", description = "A file holding the wrapped key in Base64.")
    Path wrappedFile;

    @Option(names = {"-c", "--context"}, paramLabel = "KEY=VALUE", description = "Encryption context pair; repeatable.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure {
        byte[] blob = Blobs.read(wrapped, wrappedFile, "wrapped key");
        byte[] rewrapped = backend.rewrapDek(blob, BackendOptions.kek(from), BackendOptions.kek(to),
                EncryptionContext.of(context));
        out.println("wrapped: " + Blobs.base64(rewrapped));
        out.println("dek-id:  " + DekId.of(rewrapped).toHex());
    }
}
