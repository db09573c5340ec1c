package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.testsupport.SharedFiles;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

class DerivationVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void dekIdDerivationKeyMatchesVector() throws Exception {
        JsonNode vectors = SharedFiles.derivationVectors();
        assertThat(HEX.formatHex(DekId.derivationKey()))
                .isEqualTo(vectors.field("dek_id_key_hex").orElseThrow().asString());
    }

    @Test
    void dekIdMatchesEveryVector() throws Exception {
        List<JsonNode> cases = SharedFiles.derivationVectors().field("dek_id").orElseThrow().asArray();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode c : cases) {
            byte[] wrapped = HEX.parseHex(c.field("wrapped_hex").orElseThrow().asString());
            String expected = c.field("dek_id_hex").orElseThrow().asString();
            assertThat(DekId.of(wrapped).toHex()).as(c.field("name").orElseThrow().asString()).isEqualTo(expected);
            assertThat(DekId.of(wrapped).bytes()).hasSize(16);
        }
    }

    @Test
    void attestationPayloadMatchesEveryVector() throws Exception {
        List<JsonNode> cases = SharedFiles.derivationVectors().field("deletion_attestation").orElseThrow().asArray();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode c : cases) {
            String keyId = c.field("key_id").orElseThrow().asString();
            long seconds = Long.parseLong(c.field("deletion_epoch_seconds").orElseThrow().asNumber());
            String expected = c.field("payload_hex").orElseThrow().asString();
            byte[] payload = KeyDeletionAttestation.payloadFor(keyId, Instant.ofEpochSecond(seconds));
            assertThat(HEX.formatHex(payload)).as(keyId).isEqualTo(expected);
            KeyDeletionAttestation unsigned = KeyDeletionAttestation.unsigned(keyId, Instant.ofEpochSecond(seconds, 999));
            assertThat(HEX.formatHex(unsigned.payload())).isEqualTo(expected);
            assertThat(unsigned.signatureClass()).isEqualTo(SignatureClass.NONE);
        }
    }

    @Test
    void dekIdRejectsEmptyWrappedBytes() {
        assertThatThrownBy(() -> DekId.of(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DekId.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dekIdRoundTripsThroughHexAndBytes() {
        DekId id = DekId.of(new byte[] {1, 2, 3});
        assertThat(DekId.fromHex(id.toHex())).isEqualTo(id);
        assertThat(DekId.fromBytes(id.bytes())).isEqualTo(id);
        assertThatThrownBy(() -> DekId.fromBytes(new byte[15])).isInstanceOf(IllegalArgumentException.class);
    }
}
