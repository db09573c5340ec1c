package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.jce.ProviderConfig.BackendKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProviderException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderConfigParserTest {

    private static ProviderConfig parse(String text) {
        return ProviderConfigParser.parse("test.cfg", text, Map.of("region.prop", "eu-west-1")::get);
    }

    @Test
    void parsesEveryAwsKeyWithCommentsBlankLinesAndProperties() {
        ProviderConfig c = parse("""
                # production
                name = prod

                backend = aws
                aws.region = ${region.prop}
                aws.endpoint = https://kms.eu-west-1.amazonaws.com
                aws.profile = "ops "
                aws.maxAttempts = 5
                aws.apiCallTimeout = 1500ms
                kek.default = alias/orders
                deletion.pendingWindowDays = 30
                """);
        assertThat(c.name()).contains("prod");
        assertThat(c.backend()).isEqualTo(BackendKind.AWS);
        assertThat(c.awsRegion()).contains("eu-west-1");
        assertThat(c.awsEndpoint()).contains(URI.create("https://kms.eu-west-1.amazonaws.com"));
        assertThat(c.awsProfile()).contains("ops ");
        assertThat(c.awsMaxAttempts()).hasValue(5);
        assertThat(c.awsApiCallTimeout()).contains(Duration.ofMillis(1500));
        assertThat(c.defaultKek()).contains(KekRef.of("alias/orders"));
        assertThat(c.pendingWindowDays()).hasValue(30);
        assertThat(c.source()).isEqualTo("test.cfg");
    }

    @Test
    void defaultsToTheLocalBackendInTheHomeDirectory() {
        ProviderConfig c = parse("# nothing but a comment\n");
        assertThat(c.backend()).isEqualTo(BackendKind.LOCAL);
        assertThat(c.localStore()).isEqualTo(Path.of(System.getProperty("user.home"), ".arkhe-kms"));
        assertThat(c.defaultKek()).isEmpty();
    }

    @Test
    void expandsTildeInTheLocalStorePath() {
        ProviderConfig c = parse("backend = local\nlocal.store = ~/kms-test");
        assertThat(c.localStore()).isEqualTo(Path.of(System.getProperty("user.home"), "kms-test"));
    }

    @Test
    void unknownKeyIsRejectedWithItsLineNumber() {
        assertThatThrownBy(() -> parse("backend = local\n\nlocal.stroe = /tmp/x"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("test.cfg, line 3")
                .hasMessageContaining("unknown key 'local.stroe'")
                .hasMessageContaining("local.store");
    }

    @Test
    void repeatedKeyIsRejectedNamingBothLines() {
        assertThatThrownBy(() -> parse("backend = aws\nbackend = local"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("already set on line 1");
    }

    @Test
    void lineWithoutEqualsSignIsRejected() {
        assertThatThrownBy(() -> parse("backend aws"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("line 1").hasMessageContaining("key = value");
    }

    @Test
    void undefinedSystemPropertyIsRejected() {
        assertThatThrownBy(() -> parse("backend = aws\naws.region = ${no.such.prop}"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("line 2")
                .hasMessageContaining("no.such.prop");
    }

    @Test
    void unknownBackendIsRejected() {
        assertThatThrownBy(() -> parse("backend = vault"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("'aws' or 'local'");
    }

    @Test
    void awsKeysWithTheLocalBackendAreRejected() {
        assertThatThrownBy(() -> parse("aws.region = us-east-1"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("does not apply to backend local");
    }

    @Test
    void outOfRangeNumbersAreRejected() {
        assertThatThrownBy(() -> parse("deletion.pendingWindowDays = 6"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("from 7 to 30");
        assertThatThrownBy(() -> parse("backend = aws\naws.maxAttempts = many"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("line 2");
    }

    @Test
    void badDurationEndpointAndKekAreRejected() {
        assertThatThrownBy(() -> parse("backend = aws\naws.apiCallTimeout = soon"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("500ms");
        assertThatThrownBy(() -> parse("backend = aws\naws.endpoint = ftp://x"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> parse("kek.default = my-key"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("alias/my-key");
    }

    @Test
    void badProviderNameIsRejected() {
        assertThatThrownBy(() -> parse("name = has space"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("name 'has space'");
    }

    @Test
    void missingSigningKeyFileIsRejected(@TempDir Path dir) {
        assertThatThrownBy(() -> parse("attestation.signingKey = " + dir.resolve("absent.pem")))
                .isInstanceOf(ProviderException.class).hasMessageContaining("not readable");
    }

    @Test
    void argumentStartingWithDashesIsInlineText() {
        ProviderConfig c = ProviderConfigParser.parseArgument("--name = inline\nbackend = local");
        assertThat(c.name()).contains("inline");
        assertThat(c.source()).isEqualTo("<inline>");
    }

    @Test
    void otherArgumentIsAFilePath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kms.cfg");
        Files.writeString(file, "name = fromfile\nkek.default = alias/x\n");
        ProviderConfig c = ProviderConfigParser.parseArgument(file.toString());
        assertThat(c.name()).contains("fromfile");
        assertThat(c.source()).isEqualTo(file.toString());
    }

    @Test
    void unreadableFileIsAProviderExceptionNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.cfg");
        assertThatThrownBy(() -> ProviderConfigParser.parseArgument(missing.toString()))
                .isInstanceOf(ProviderException.class).hasMessageContaining("missing.cfg");
        assertThatThrownBy(() -> ProviderConfigParser.parseArgument("  "))
                .isInstanceOf(ProviderException.class).hasMessageContaining("empty");
    }

    @Test
    void configureErrorsSurfaceAsProviderExceptionFromTheProvider() {
        assertThatThrownBy(() -> new ArkheKmsProvider().configure("--bogus = 1"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("<inline>, line 1");
    }

    @Test
    void configuredNameBecomesPartOfTheProviderName() {
        ArkheKmsProvider p = (ArkheKmsProvider) new ArkheKmsProvider().configure("--name = blue");
        assertThat(p.getName()).isEqualTo("ArkheKMS-blue");
        assertThat(p.isConfigured()).isTrue();
        assertThat(new ArkheKmsProvider().isConfigured()).isFalse();
        assertThat(new ArkheKmsProvider().getName()).isEqualTo("ArkheKMS");
    }
}
