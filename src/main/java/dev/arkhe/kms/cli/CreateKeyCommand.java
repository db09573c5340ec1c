package dev.arkhe.kms.cli;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arkhe-kms create-key}: a new KEK in the local store. */
@Command(name = "create-key", mixinStandardHelpOptions = true,
        description = "Create a key-encryption key (KEK) in the local store (or at --endpoint) and print its ARN.")
final class CreateKeyCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--description"}, description = "Free-text description (up to 8192 characters).")
    String description;

    @Option(names = {"-a", "--alias"}, paramLabel = "alias/NAME", description = "Also create this alias for the key.")
    String alias;

    @Override
    public Integer call() throws CliFailure {
        if (backendOptions.endpoint != null) {
            return createThroughEndpoint();
        }
        try (LocalKmsBackend backend = backendOptions.openLocal()) {
            KekRef key = backend.createKey(description);
            if (alias != null) {
                backend.createAlias(alias, key);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(key.id());
            if (alias != null) {
                out.println(alias);
            }
            out.flush();
            return 0;
        } catch (KmsException e) {
            throw CliFailure.of(e);
        }
    }

    /** CreateKey (and CreateAlias) through the AWS KMS API at --endpoint. */
    private Integer createThroughEndpoint() throws CliFailure {
        try (KmsClient kms = backendOptions.client()) {
            KeyMetadata key = kms.createKey(r -> r.description(description)).keyMetadata();
            if (alias != null) {
                kms.createAlias(r -> r.aliasName(alias).targetKeyId(key.keyId()));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(key.arn());
            if (alias != null) {
                out.println(alias);
            }
            out.flush();
            return 0;
        } catch (AwsServiceException e) {
            int code = e.statusCode() == 404 ? CliFailure.KEY_NOT_FOUND
                    : e.statusCode() >= 400 && e.statusCode() < 500 && e.statusCode() != 409
                    ? CliFailure.BAD_INPUT : CliFailure.BACKEND;
            throw new CliFailure(code, "create-key at " + backendOptions.endpoint + " failed: "
                    + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
        } catch (SdkException e) {
            throw new CliFailure(CliFailure.BACKEND, "create-key at " + backendOptions.endpoint + " failed: "
                    + e.getMessage());
        }
    }
}
