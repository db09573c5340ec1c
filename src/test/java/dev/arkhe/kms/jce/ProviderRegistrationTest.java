package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.local.LocalKmsBackend;
import dev.arkhe.kms.probe.RegistrationProbe;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each registration route, each in a fresh JVM that knows only the JCA API. */
class ProviderRegistrationTest {

    @TempDir
    Path dir;
    private Path config;
    private String kekArn;

    @BeforeEach
    void createStoreKeyAndConfig() throws Exception {
        Path store = dir.resolve("store");
        try (LocalKmsBackend backend = LocalKmsBackend.open(store)) {
            KekRef kek = backend.createKey("registration");
            kekArn = kek.id();
        }
        config = dir.resolve("arkhe-kms.cfg");
        Files.writeString(config, "name = reg\nbackend = local\nlocal.store = " + store + "\nkek.default = "
                + kekArn + "\n");
    }

    private static String runProbe(List<String> jvmOptions, String... args) throws IOException,
            InterruptedException {
        return runProbeWithClassPath(jvmOptions, System.getProperty("java.class.path"), args);
    }

    private static String runProbeWithClassPath(List<String> jvmOptions, String classPath, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(RegistrationProbe.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("probe finished: %s", output).isTrue();
        assertThat(process.exitValue()).as("probe exit code, output: %s", output).isZero();
        return output;
    }

    @Test
    void securityAddProviderWithConfigureFile() throws Exception {
        String out = runProbe(List.of(), "addProvider", kekArn, config.toString());
        assertThat(out).contains("OK ArkheKMS-reg ArkheKMS-reg");
    }

    @Test
    void securityAddProviderWithInlineConfiguration() throws Exception {
        String inline = "--" + Files.readString(config);
        String out = runProbe(List.of(), "addProvider", kekArn, inline);
        assertThat(out).contains("OK ArkheKMS-reg");
    }

    @Test
    void unconfiguredProviderReadsTheConfigPathFromTheSystemProperty() throws Exception {
        // The probe's KeyGenerator.init(256) needs kek.default, and the KEK exists only in the
        // configured store: success proves the file was read. The name stays "ArkheKMS" because
        // the provider was named before its configuration was looked up.
        String out = runProbe(List.of("-Darkhe.kms.config=" + config), "systemProperty", kekArn);
        assertThat(out).contains("OK ArkheKMS ArkheKMS");
    }

    @Test
    void javaSecurityPropertiesLineLoadsTheProviderByName() throws Exception {
        int next = Security.getProviders().length + 1;
        Path fragment = dir.resolve("arkhe.security");
        Files.writeString(fragment, "security.provider." + next + "=ArkheKMS " + config + "\n");
        String out = runProbe(List.of("-Djava.security.properties=" + fragment), "securityFile", kekArn);
        assertThat(out).contains("OK ArkheKMS-reg");
    }

    @Test
    void javaSecurityLineFindsTheProviderOnTheModulePathThroughModuleInfo() throws Exception {
        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String normalized = entry.replace(File.separatorChar, '/');
            if (normalized.endsWith("/test-classes")) {
                classPath.add(entry);
            } else if (normalized.endsWith("/classes") || normalized.contains("/software/amazon/")
                    || normalized.contains("/org/bouncycastle/") || normalized.contains("/org/slf4j/")
                    || normalized.contains("/org/reactivestreams/")) {
                // Only the library and its runtime dependencies become modules.
                modulePath.add(entry);
            }
        }
        assertThat(modulePath).anyMatch(e -> e.replace(File.separatorChar, '/').endsWith("/classes"));
        int next = Security.getProviders().length + 1;
        Path fragment = dir.resolve("arkhe-module.security");
        Files.writeString(fragment, "security.provider." + next + "=ArkheKMS " + config + "\n");
        String out = runProbeWithClassPath(List.of("--module-path", String.join(File.pathSeparator, modulePath),
                        "--add-modules", "dev.arkhe.kms", "-Djava.security.properties=" + fragment),
                String.join(File.pathSeparator, classPath), "modulePath", kekArn);
        assertThat(out).contains("OK ArkheKMS-reg");
    }
}
