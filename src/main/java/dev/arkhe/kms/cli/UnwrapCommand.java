package dev.arkhe.kms.cli;

import dev.arkhe.kms.Dek;
import dev.arkhe.kms.DekId;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms unwrap}: opens a wrapped key into a new owner-only file; never prints it. */
@Command(name = "unwrap", mixinStandardHelpOptions = true,
        description = {"Unwrap a wrapped key under its KEK and write the raw key bytes to a new file (mode 0600"
                + " where supported).", "The key is never printed."})
final class UnwrapCommand extends KeyCommand {

    @Option(names = {"-k", "--kek"}, required = true, paramLabel = "KEK",
            description = "The KEK the key was wrapped under.")
    String kek;

    @Option(names = {"-w", "--wrapped"}, paramLabel = "BASE64", description = "The wrapped key.")
    String wrapped;

    @Option(names = "--wrapped-file", paramLabel = "FILE", description = "A file holding the wrapped key in Base64.")
    Path wrappedFile;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE",
            description = "New file for the raw key bytes; must not exist.")
    Path out;

    @Option(names = {"-c", "--context"}, paramLabel = "KEY=VALUE", description = "Encryption context pair; repeatable.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    void run(KmsBackend backend, PrintWriter console) throws KmsException, CliFailure {
        byte[] blob = Blobs.read(wrapped, wrappedFile, "wrapped key");
        Dek dek = backend.unwrapDek(blob, BackendOptions.kek(kek), EncryptionContext.of(context));
        byte[] material = dek.getEncoded();
        try {
            writeOwnerOnly(out, material);
        } finally {
            Arrays.fill(material, (byte) 0);
            dek.destroy();
        }
        console.println("wrote " + material.length + " key bytes to " + out);
        console.println("dek-id: " + DekId.of(blob).toHex());
    }

    private static void writeOwnerOnly(Path file, byte[] bytes) throws CliFailure {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system: the directory's defaults apply
            }
            try (OutputStream os = Files.newOutputStream(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                os.write(bytes);
            }
        } catch (FileAlreadyExistsException e) {
            throw CliFailure.badInput("output file " + file + " already exists; choose a new file");
        } catch (IOException e) {
            throw CliFailure.badInput("cannot write output file " + file + ": " + e.getMessage());
        }
    }
}
