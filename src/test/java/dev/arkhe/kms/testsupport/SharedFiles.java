package dev.arkhe.kms.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Locates and reads the files in {@code ../shared} that the design refers to. */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path sharedDir() {
        String configured = System.getProperty("arkhe.shared.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared directory not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static JsonNode derivationVectors() throws IOException {
        return JsonNode.parser().parse(Files.readString(sharedDir().resolve("vectors/runtime-derivations.json")));
    }
}
