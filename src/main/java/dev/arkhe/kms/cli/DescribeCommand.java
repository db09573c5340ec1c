package dev.arkhe.kms.cli;

import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arkhe-kms describe}: a KEK's ARN, state and dates. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Print a KEK's ARN, state, creation date and (when pending deletion) deletion date.")
final class DescribeCommand extends KeyCommand {

    @Option(names = {"-k", "--kek"}, required = true, paramLabel = "KEK", description = "The KEK to describe.")
    String kek;

    @Override
    void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure {
        KekInfo info = backend.describeKek(BackendOptions.kek(kek));
        out.println("arn:           " + info.arn());
        out.println("state:         " + info.state());
        out.println("creation-date: " + info.creationDate());
        info.deletionDate().ifPresent(d -> out.println("deletion-date: " + d));
    }
}
