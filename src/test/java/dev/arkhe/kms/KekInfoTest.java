package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KekInfoTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant DELETION = Instant.parse("2026-01-08T00:00:00Z");

    @Test
    void deletionDateIsPresentExactlyWhenPendingDeletion() {
        assertThat(new KekInfo("arn", KekState.PENDING_DELETION, CREATED, Optional.of(DELETION)).deletionDate())
                .contains(DELETION);
        assertThat(new KekInfo("arn", KekState.ENABLED, CREATED, Optional.empty()).state()).isEqualTo(KekState.ENABLED);
        assertThatThrownBy(() -> new KekInfo("arn", KekState.PENDING_DELETION, CREATED, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KekInfo("arn", KekState.DISABLED, CREATED, Optional.of(DELETION)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullComponents() {
        assertThatThrownBy(() -> new KekInfo(null, KekState.ENABLED, CREATED, Optional.empty()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new KekInfo("arn", null, CREATED, Optional.empty()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new KekInfo("arn", KekState.ENABLED, null, Optional.empty()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new KekInfo("arn", KekState.ENABLED, CREATED, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void isAValue() {
        assertThat(new KekInfo("a", KekState.ENABLED, CREATED, Optional.empty()))
                .isEqualTo(new KekInfo("a", KekState.ENABLED, CREATED, Optional.empty()))
                .isNotEqualTo(new KekInfo("a", KekState.DISABLED, CREATED, Optional.empty()));
    }
}
