package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.Key;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderConcurrencyAndHygieneTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 200;

    @TempDir
    Path store;

    private KekRef createKek() throws Exception {
        try (LocalKmsBackend admin = LocalKmsBackend.open(store)) {
            return admin.createKey("concurrency");
        }
    }

    @Test
    void oneConfiguredProviderServesManyThreadsAndBuildsItsBackendOnce() throws Exception {
        KekRef kek = createKek();
        // The backend is built lazily: all threads race to first use at once. The local store
        // refuses a second open in one JVM, so building it twice would fail some threads.
        Provider provider = new ArkheKmsProvider().configure("--backend = local\nlocal.store = " + store
                + "\nkek.default = " + kek.id());
        Map<String, String> context = Map.of("tenant", "t");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
                    generator.init(new KmsKeyGenParameterSpec(kek, 256, context));
                    Cipher unwrap = Cipher.getInstance("KmsKeyWrap", provider);
                    unwrap.init(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(context));
                    int matches = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        DataKey key = (DataKey) generator.generateKey();
                        Key back = unwrap.unwrap(key.wrapped(), "AES", Cipher.SECRET_KEY);
                        if (Arrays.equals(back.getEncoded(), key.getEncoded())) {
                            matches++;
                        }
                        key.destroy();
                    }
                    return matches;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isEqualTo(ROUNDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failuresNeverShowKeyMaterial() throws Exception {
        KekRef kek = createKek();
        try (LocalKmsBackend backend = LocalKmsBackend.open(store)) {
            Provider provider = new ArkheKmsProvider(backend, kek);
            KeyGenerator aes = KeyGenerator.getInstance("AES");
            aes.init(256);
            SecretKey secret = aes.generateKey();
            Cipher wrap = Cipher.getInstance("KmsKeyWrap", provider);
            wrap.init(Cipher.WRAP_MODE, kek, new KmsParameterSpec(Map.of("a", "b")));
            byte[] wrapped = wrap.wrap(secret);
            Cipher unwrap = Cipher.getInstance("KmsKeyWrap", provider);
            unwrap.init(Cipher.UNWRAP_MODE, kek, new KmsParameterSpec(Map.of("a", "c")));
            Throwable wrongContext = catchThrowable(() -> unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY));
            backend.disableKey(kek);
            Throwable disabled = catchThrowable(() -> wrap.wrap(secret));
            KeyGenerator generator = KeyGenerator.getInstance("KmsDataKey", provider);
            generator.init(256);
            Throwable generate = catchThrowable(generator::generateKey);

            byte[] material = secret.getEncoded();
            List<String> forbidden = List.of(HexFormat.of().formatHex(material),
                    HexFormat.of().withUpperCase().formatHex(material),
                    Base64.getEncoder().encodeToString(material));
            for (Throwable failure : List.of(wrongContext, disabled, generate)) {
                assertThat(failure).isNotNull();
                StringWriter trace = new StringWriter();
                failure.printStackTrace(new PrintWriter(trace));
                for (String f : forbidden) {
                    assertThat(trace.toString()).doesNotContain(f);
                }
            }
            assertThat(provider.toString()).doesNotContain(forbidden.get(0));
        }
    }
}
