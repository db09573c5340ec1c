package dev.arkhe.kms.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KekState;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.KmsException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 1_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void eightThreadsTimesAThousandRoundTripsAllReturnTheirOwnKey() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            KekRef a = kms.createKey("a");
            KekRef b = kms.createKey("b");
            kms.createAlias("alias/b", b);
            kms.rotateKeyMaterial(a);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    KekRef kek = thread % 2 == 0 ? a : KekRef.of("alias/b");
                    for (int i = 0; i < ROUNDS; i++) {
                        EncryptionContext ctx = EncryptionContext.of(Map.of("thread", "" + thread, "i", "" + i));
                        DataKey dk = kms.generateDek(kek, i % 3 == 0 ? 128 : 256, ctx);
                        Dek back = kms.unwrapDek(dk.wrapped(), kek, ctx);
                        byte[] rewrapped = kms.wrapDek(back, kek, ctx);
                        Dek again = kms.unwrapDek(rewrapped, kek, ctx);
                        if (back.equals(dk) && again.equals(dk)) {
                            ok++;
                        }
                        dk.destroy();
                        back.destroy();
                        again.destroy();
                    }
                    return ok;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(50, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(total).isEqualTo(THREADS * ROUNDS);
        }
    }

    @Test
    @Timeout(60)
    void stateChangesAreVisibleToOtherThreadsAtOnce() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            KekRef kek = kms.createKey("k");
            DataKey dk = kms.generateDek(kek);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 20; round++) {
                    boolean disable = round % 2 == 0;
                    if (disable) {
                        kms.disableKey(kek);
                    } else {
                        kms.enableKey(kek);
                    }
                    // Once the call returned, every other thread must see the new state.
                    List<Future<Reason>> seen = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        seen.add(pool.submit(() -> {
                            try {
                                kms.unwrapDek(dk.wrapped(), kek).destroy();
                                return null;
                            } catch (KmsException e) {
                                return e.reason();
                            }
                        }));
                    }
                    for (Future<Reason> f : seen) {
                        assertThat(f.get(10, TimeUnit.SECONDS)).as("round %d", round)
                                .isEqualTo(disable ? Reason.KEK_DISABLED : null);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(60)
    void concurrentAdministrationLosesNoChange() throws Exception {
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicInteger failures = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            KekRef k = kms.createKey("t" + thread + "-" + i);
                            kms.createAlias("alias/t" + thread + "-" + i, k);
                            kms.rotateKeyMaterial(k);
                            kms.disableKey(k);
                        } catch (KmsException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(failures).hasValue(0);
            assertThat(kms.listKeys()).hasSize(40).allMatch(i -> i.state() == KekState.DISABLED);
            assertThat(kms.listAliases()).hasSize(40);
        }
        try (LocalKmsBackend kms = LocalKmsBackend.open(dir)) {
            assertThat(kms.listKeys()).hasSize(40);
            assertThat(kms.snapshot().keys().values()).allMatch(k -> k.currentVersion() == 2);
        }
    }

    @Test
    @Timeout(60)
    void closeDuringTrafficNeverReturnsAResultMadeWithZeroedMaterial() throws Exception {
        LocalKmsBackend kms = LocalKmsBackend.open(dir);
        KekRef kek = kms.createKey("k");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch running = new CountDownLatch(4);
        List<Future<List<DataKey>>> made = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            made.add(pool.submit(() -> {
                List<DataKey> keys = new ArrayList<>();
                running.countDown();
                try {
                    while (true) {
                        keys.add(kms.generateDek(kek));
                    }
                } catch (IllegalStateException closed) {
                    return keys;
                }
            }));
        }
        running.await();
        Thread.sleep(50);
        kms.close();
        List<DataKey> all = new ArrayList<>();
        for (Future<List<DataKey>> f : made) {
            all.addAll(f.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        try (LocalKmsBackend reopened = LocalKmsBackend.open(dir)) {
            for (DataKey dk : all) {
                assertThat(reopened.unwrapDek(dk.wrapped(), kek)).isEqualTo(dk);
            }
        }
    }

    @Test
    @Timeout(60)
    void closeDuringUnwrapsIsIllegalStateNeverAFalseUnwrapFailed() throws Exception {
        LocalKmsBackend kms = LocalKmsBackend.open(dir);
        KekRef kek = kms.createKey("k");
        DataKey dk = kms.generateDek(kek);
        byte[] wrapped = dk.wrapped();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch running = new CountDownLatch(4);
        List<Future<Integer>> opened = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            opened.add(pool.submit(() -> {
                int count = 0;
                running.countDown();
                try {
                    while (true) {
                        // A KmsException here (UNWRAP_FAILED from zeroed material) fails the test.
                        Dek dek = kms.unwrapDek(wrapped, kek);
                        if (!dek.equals(dk)) {
                            throw new AssertionError("unwrapped a different key");
                        }
                        count++;
                    }
                } catch (IllegalStateException closed) {
                    return count;
                }
            }));
        }
        running.await();
        Thread.sleep(50);
        kms.close();
        for (Future<Integer> f : opened) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
        }
        pool.shutdown();
    }
}

