package dev.arkhe.kms.cli;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms generate-dek}: a data key, of which only the wrapped form is shown. */
@Command(name = "generate-dek", mixinStandardHelpOptions = true,
        description = {"Generate a data key under a KEK and print its wrapped form (Base64), DekId and KEK ARN.",
                "The plaintext key is destroyed at once: unwrap the wrapped form where the key is needed."})
final class GenerateDekCommand extends KeyCommand {

    @Option(names = {"-k", "--kek"}, required = true, paramLabel = "KEK",
            description = "Key id, key ARN, alias name (alias/...) or alias ARN.")
    String kek;

    @Option(names = "--bits", defaultValue = "256", description = "Key size: 128 or 256 (default ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = {"-c", "--context"}, paramLabel = "KEY=VALUE", description = "Encryption context pair; repeatable.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure {
        if (bits != 128 && bits != 256) {
            throw CliFailure.badInput("--bits must be 128 or 256, got " + bits);
        }
        DataKey key = backend.generateDek(BackendOptions.kek(kek), bits, EncryptionContext.of(context));
        try {
            out.println("wrapped: " + Blobs.base64(key.wrapped()));
            out.println("dek-id:  " + key.dekId().toHex());
            out.println("kek:     " + key.kekArn());
        } finally {
            key.destroy();
        }
    }
}
