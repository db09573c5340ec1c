package dev.arkhe.kms.cli;

import dev.arkhe.kms.KeyDeletionAttestation;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.PrintWriter;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms delete-key}: schedules a KEK's deletion and prints the attestation. */
@Command(name = "delete-key", mixinStandardHelpOptions = true,
        description = {"Schedule a KEK's deletion (crypto-shredding every key wrapped under it) and print the"
                + " deletion attestation.", "Idempotent: a key already pending deletion gives the same attestation."})
final class DeleteKeyCommand extends KeyCommand {

    @Option(names = {"-k", "--kek"}, required = true, paramLabel = "KEK", description = "The KEK to delete.")
    String kek;

    @Override
    void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure {
        print(backend.deleteKey(BackendOptions.kek(kek)), out);
    }

    static void print(KeyDeletionAttestation a, PrintWriter out) {
        out.println("kek:             " + a.kekArn());
        out.println("deletion-date:   " + a.deletionDate());
        out.println("payload:         " + HexFormat.of().formatHex(a.payload()));
        out.println("signature-class: " + a.signatureClass());
        if (a.signature().length > 0) {
            out.println("signature:       " + HexFormat.of().formatHex(a.signature()));
        }
    }
}
