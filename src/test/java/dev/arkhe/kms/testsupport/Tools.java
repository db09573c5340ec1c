package dev.arkhe.kms.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external programs some tests need ({@code moto_server}, the {@code aws} CLI).
 *
 * <p>The rule from the design: when a tool is missing and the environment variable {@code CI}
 * is {@code true}, the test fails (CI must not silently skip coverage); anywhere else it is
 * aborted (reported as skipped) with the reason, so a developer without the tool sees why.
 */
public final class Tools {

    static final String MOTO_SERVER = "moto_server";
    static final String MOTO_HINT = "pip install 'moto[server]==5.2.1'";

    private Tools() {
    }

    /** The moto server launcher ({@code pip install 'moto[server]==5.2.1'}). */
    public static Path motoServer() {
        return require(MOTO_SERVER, MOTO_HINT);
    }

    /** The AWS CLI ({@code pip install awscli}). */
    public static Path awsCli() {
        return require("aws", "pip install awscli");
    }

    /**
     * The executable {@code name} on the PATH; fails under {@code CI=true}, aborts elsewhere.
     *
     * @param installHint how to get the tool, shown in the failure or skip reason
     */
    public static Path require(String name, String installHint) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        if (isCi()) {
            return Assertions.fail(missing(name, installHint) + "; CI=true, so this is a failure rather than a skip");
        }
        Assumptions.abort(skipReason(name, installHint));
        throw new AssertionError("unreachable");
    }

    /** The reason shown when a missing tool makes a test skip. */
    public static String skipReason(String name, String installHint) {
        return missing(name, installHint) + "; skipping (set CI=true to make this a failure)";
    }

    private static String missing(String name, String installHint) {
        return name + " is not on the PATH (" + installHint + ")";
    }

    /** The executable {@code name} on the PATH, if any. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether the environment variable {@code CI} is {@code true}. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
