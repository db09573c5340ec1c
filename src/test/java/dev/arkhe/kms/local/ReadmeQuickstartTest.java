package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README quickstart and checks that the README shows exactly this code. */
class ReadmeQuickstartTest {

    private static final String BEGIN = "// quickstart:begin";
    private static final String END = "// quickstart:end";

    @TempDir
    Path storeDir;

    @Test
    void quickstartCreatesAKeyAndRoundTripsADataKey() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // quickstart:begin
            try (LocalKmsBackend kms = LocalKmsBackend.open(storeDir)) {
                KekRef kek = kms.createKey("orders");
                kms.createAlias("alias/orders", kek);
                EncryptionContext ctx = EncryptionContext.of(Map.of("tenant", "acme"));

                DataKey dataKey = kms.generateDek(KekRef.of("alias/orders"), ctx); // plaintext + wrapped
                byte[] stored = dataKey.wrapped();                  // keep this beside the data
                Dek unwrapped = kms.unwrapDek(stored, kek, ctx);    // later: the key back
                byte[] rewrapped = kms.wrapDek(unwrapped, kek, ctx); // wrap a key you already have
                System.out.println(unwrapped.equals(dataKey) + " " + dataKey.dekId().toHex()
                        + " " + kms.unwrapDek(rewrapped, kek, ctx).equals(dataKey));
                dataKey.destroy();
                unwrapped.destroy();
            }
            // quickstart:end
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).trim()).matches("true [0-9a-f]{32} true");
        try (LocalKmsBackend kms = LocalKmsBackend.open(storeDir)) {
            assertThat(kms.listAliases()).containsKey("alias/orders");
        }
    }

    @Test
    void readmeShowsExactlyTheTestedQuickstart() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/arkhe/kms/local/ReadmeQuickstartTest.java"));
        String readme = Files.readString(Path.of("README.md"));
        int begin = source.indexOf(BEGIN + "\n") + BEGIN.length();
        String tested = source.substring(begin, source.indexOf(END + "\n", begin));
        int section = readme.indexOf("<!-- section: quickstart -->");
        int fence = readme.indexOf("```java", section);
        String shown = readme.substring(fence + "```java".length(), readme.indexOf("```", fence + 7));
        assertThat(section).isNotNegative();
        assertThat(fence).isGreaterThan(section).isLessThan(readme.indexOf("<!-- section: local -->"));
        assertThat(normalize(shown)).isEqualTo(normalize(tested));
    }

    /** Drops the common indentation and blank edges, so the README can be indented less than the test. */
    private static String normalize(String block) {
        List<String> lines = block.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent))
                .collect(Collectors.joining("\n")).strip();
    }
}
