package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KekRefTest {

    @Test
    void acceptsTheFourFormsAndReportsTheirKind() {
        assertThat(KekRef.of("1234abcd-12ab-34cd-56ef-1234567890ab").kind()).isEqualTo(KekRef.Kind.KEY_ID);
        assertThat(KekRef.of("mrk-1234abcd12ab34cd56ef1234567890ab").kind()).isEqualTo(KekRef.Kind.KEY_ID);
        assertThat(KekRef.of("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab").kind())
                .isEqualTo(KekRef.Kind.KEY_ARN);
        assertThat(KekRef.of("arn:arkhe:kms:local:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab").kind())
                .isEqualTo(KekRef.Kind.KEY_ARN);
        assertThat(KekRef.of("alias/my-key").kind()).isEqualTo(KekRef.Kind.ALIAS_NAME);
        assertThat(KekRef.of("alias/my-key").isAlias()).isTrue();
        assertThat(KekRef.of("arn:aws:kms:us-east-1:111122223333:alias/my-key").kind())
                .isEqualTo(KekRef.Kind.ALIAS_ARN);
        assertThat(KekRef.of("arn:arkhe:kms:local:000000000000:alias/app/x").isAlias()).isTrue();
    }

    @Test
    void rejectsOtherFormsWithAMessageShowingAnAcceptedForm() {
        for (String bad : new String[] {"", "my-key", "alias/", "alias/has space", "key/1234",
                "1234abcd-12ab-34cd-56ef-1234567890a", "arn:aws:kms:us-east-1:123:key/x",
                "arn:aws:s3:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}) {
            assertThatThrownBy(() -> KekRef.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("alias/my-key");
        }
        assertThatThrownBy(() -> KekRef.of(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alias/my-key");
    }

    @Test
    void carriesNoMaterial() {
        KekRef ref = KekRef.of("alias/my-key");
        assertThat(ref.getEncoded()).isNull();
        assertThat(ref.getFormat()).isNull();
        assertThat(ref.getAlgorithm()).isEqualTo("KMS");
        assertThat(ref.id()).isEqualTo("alias/my-key");
        assertThat(ref.toString()).isEqualTo("KekRef[alias/my-key]");
    }

    @Test
    void equalityFollowsTheIdentifierText() {
        assertThat(KekRef.of("alias/a")).isEqualTo(KekRef.of("alias/a")).hasSameHashCodeAs(KekRef.of("alias/a"));
        assertThat(KekRef.of("alias/a")).isNotEqualTo(KekRef.of("alias/b"));
    }
}
