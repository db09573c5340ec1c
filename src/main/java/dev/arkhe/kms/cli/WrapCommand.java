package dev.arkhe.kms.cli;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.DekId;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms wrap}: wraps key material read from a file. */
@Command(name = "wrap", mixinStandardHelpOptions = true,
        description = "Wrap raw key material (1 to 4096 bytes, read from a file) under a KEK; print the wrapped form"
                + " (Base64) and its DekId.")
final class WrapCommand extends KeyCommand {

    @Option(names = {"-k", "--kek"}, required = true, paramLabel = "KEK",
            description = "Key id, key ARN, alias name (alias/...) or alias ARN.")
    String kek;

    @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "File holding the raw key bytes.")
    Path keyFile;

    @Option(names = {"-c", "--context"}, paramLabel = "KEY=VALUE", description = "Encryption context pair; repeatable.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure {
        byte[] material;
        try {
            if (Files.size(keyFile) > Dek.MAX_LENGTH) {
                throw CliFailure.badInput("key file " + keyFile + " is larger than " + Dek.MAX_LENGTH + " bytes");
            }
            material = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw CliFailure.badInput("cannot read key file " + keyFile + ": " + e.getMessage());
        }
        Dek dek;
        try {
            dek = Dek.of(material, "RAW");
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput("key file " + keyFile + ": " + e.getMessage());
        } finally {
            Arrays.fill(material, (byte) 0);
        }
        try {
            byte[] wrapped = backend.wrapDek(dek, BackendOptions.kek(kek), EncryptionContext.of(context));
            out.println("wrapped: " + Blobs.base64(wrapped));
            out.println("dek-id:  " + DekId.of(wrapped).toHex());
        } finally {
            dek.destroy();
        }
    }
}
