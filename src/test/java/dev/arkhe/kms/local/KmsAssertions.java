package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.KmsException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared assertion: a call fails with exactly a KmsException of the given reason. */
final class KmsAssertions {
    private KmsAssertions() {
    }

    static void assertFails(KmsException.Reason reason, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isExactlyInstanceOf(KmsException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((KmsException) e).reason())
                        .as("reason of: %s", e.getMessage()).isEqualTo(reason));
    }
}
