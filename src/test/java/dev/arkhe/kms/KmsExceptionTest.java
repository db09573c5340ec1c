package dev.arkhe.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.KmsException.Reason;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class KmsExceptionTest {

    @Test
    void onlyThrottledAndUnavailableAreRetryable() {
        for (Reason r : Reason.values()) {
            KmsException e = new KmsException(r, "op on kek");
            assertThat(e.retryable()).as(r.name()).isEqualTo(EnumSet.of(Reason.THROTTLED, Reason.UNAVAILABLE).contains(r));
            assertThat(e.reason()).isEqualTo(r);
        }
        assertThat(Reason.values()).hasSize(9);
    }

    @Test
    void isACheckedSecurityExceptionThatChainsItsCause() {
        IllegalStateException cause = new IllegalStateException("inner");
        KmsException e = new KmsException(Reason.BACKEND, "describe kek", cause);
        assertThat(e).isInstanceOf(GeneralSecurityException.class);
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.getMessage()).isEqualTo("describe kek");
    }

    @Test
    void requiresAReason() {
        assertThatThrownBy(() -> new KmsException(null, "m")).isInstanceOf(NullPointerException.class);
    }
}
