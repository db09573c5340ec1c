package dev.arkhe.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.testsupport.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;

/** One backend shared by several threads against moto: every round trip comes back right. */
@ExtendWith(MotoServer.PerClass.class)
class AwsKmsConcurrencyTest {

    private static final int THREADS = 6;
    private static final int ROUNDS = 15;

    @Test
    @Timeout(120)
    void threadsSharingOneBackendAllGetCorrectRoundTrips(MotoServer moto) throws Exception {
        KekRef a;
        KekRef b;
        try (KmsClient plain = moto.newClient()) {
            a = KekRef.of(plain.createKey(r -> r.description("concurrency A")).keyMetadata().arn());
            b = KekRef.of(plain.createKey(r -> r.description("concurrency B")).keyMetadata().keyId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (AwsKmsBackend backend = moto.backendBuilder().build()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<Integer> work = () -> {
                    int ok = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        // Each thread and round has its own context: a mix-up between threads fails the unwrap.
                        EncryptionContext ctx = EncryptionContext.of(Map.of("thread", "" + thread, "round", "" + i));
                        DataKey dk = backend.generateDek(a, ctx);
                        assertThat(backend.unwrapDek(dk.wrapped(), a, ctx).getEncoded()).isEqualTo(dk.getEncoded());

                        byte[] material = new byte[1 + ThreadLocalRandom.current().nextInt(64)];
                        ThreadLocalRandom.current().nextBytes(material);
                        byte[] wrapped = backend.wrapDek(Dek.of(material, "AES"), b, ctx);
                        byte[] rewrapped = backend.rewrapDek(wrapped, b, a, ctx);
                        assertThat(backend.unwrapDek(rewrapped, a, ctx).getEncoded()).isEqualTo(material);
                        ok++;
                    }
                    return ok;
                };
                results.add(pool.submit(work));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(100, TimeUnit.SECONDS)).isEqualTo(ROUNDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
