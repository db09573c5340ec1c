package dev.arkhe.kms.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.local.LocalKmsBackend;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * With one test instance per class JUnit resolves constructor parameters before
 * {@code beforeAll}; the endpoint must already be there, and be the one the tests see.
 */
@LocalKms
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalKmsPerClassConstructorInjectionTest {

    private final KmsClient kms;
    private final URI endpoint;

    LocalKmsPerClassConstructorInjectionTest(KmsClient kms, URI endpoint) {
        this.kms = kms;
        this.endpoint = endpoint;
    }

    @Test
    void constructorReceivesTheRunningEndpoint(URI sameEndpoint, LocalKmsBackend backend) {
        assertThat(sameEndpoint).isEqualTo(endpoint);
        String keyId = kms.createKey(r -> { }).keyMetadata().keyId();
        assertThat(backend.listKeys()).anySatisfy(k -> assertThat(k.arn()).endsWith(keyId));
    }

    @Test
    void theEndpointOutlivesOneTest(URI sameEndpoint) {
        assertThat(sameEndpoint).isEqualTo(endpoint);
        assertThat(kms.listKeys().keys()).isNotNull();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NestedClass {
        private final URI nestedEndpoint;

        NestedClass(URI nestedEndpoint) {
            this.nestedEndpoint = nestedEndpoint;
        }

        @Test
        void sharesTheEnclosingClassEndpoint() {
            assertThat(nestedEndpoint).isEqualTo(endpoint);
            assertThat(kms.listKeys().keys()).isNotNull();
        }
    }
}
