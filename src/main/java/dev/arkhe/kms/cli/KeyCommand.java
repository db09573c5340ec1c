package dev.arkhe.kms.cli;

import dev.arkhe.kms.KmsBackend;
import dev.arkhe.kms.KmsException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that opens the backend, does one thing with it, and closes it. */
abstract class KeyCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws CliFailure {
        try (KmsBackend backend = backendOptions.open()) {
            run(backend, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (KmsException e) {
            throw CliFailure.of(e);
        }
    }

    /** Does the command's work; output goes to {@code out}, never key material. */
    abstract void run(KmsBackend backend, PrintWriter out) throws KmsException, CliFailure;
}
