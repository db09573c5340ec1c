package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.KmsException;
import java.security.Provider;
import java.security.ProviderException;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.local.LocalKmsBackend;
import java.nio.file.Path;
import java.security.Security;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing ArkheKMS first must not capture standard algorithms. */
class ProviderPrecedenceTest {

    @Test
    void providerAtPositionOneDoesNotChangeStandardAlgorithms(@TempDir Path store) throws Exception {
        try (LocalKmsBackend backend = LocalKmsBackend.open(store)) {
            KekRef kek = backend.createKey("precedence");
            ArkheKmsProvider provider = new ArkheKmsProvider(backend, kek);
            String gcmBefore = Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
            String aesBefore = KeyGenerator.getInstance("AES").getProvider().getName();
            assertThat(Security.insertProviderAt(provider, 1)).isEqualTo(1);
            try {
                assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isEqualTo(gcmBefore);
                assertThat(KeyGenerator.getInstance("AES").getProvider().getName()).isEqualTo(aesBefore);
                assertThat(Cipher.getInstance("AESWrap").getProvider()).isNotSameAs(provider);
                Cipher wrap = Cipher.getInstance("KmsKeyWrap");
                wrap.init(Cipher.WRAP_MODE, kek);
                assertThat(wrap.getProvider()).isSameAs(provider);
                assertThat(KeyGenerator.getInstance("KmsDataKey").getProvider()).isSameAs(provider);
            } finally {
                Security.removeProvider(provider.getName());
            }
            assertThat(Security.getProvider(provider.getName())).isNull();
        }
    }

    /**
     * The JDK retries a failed {@code KeyGenerator.generateKey()} on the next provider that
     * offers the algorithm. With two ArkheKMS providers installed, naming the provider is what
     * keeps a data key from silently coming from the other KMS.
     */
    @Test
    void keyGeneratorNamedByProviderNeverFailsOverToAnotherArkheProvider(@TempDir Path dirs) throws Exception {
        Path storeA = dirs.resolve("a");
        Path storeB = dirs.resolve("b");
        String arnB;
        try (LocalKmsBackend a = LocalKmsBackend.open(storeA); LocalKmsBackend b = LocalKmsBackend.open(storeB)) {
            KekRef kekA = a.createKey("a");
            a.createAlias("alias/app", kekA);
            a.disableKey(kekA);
            KekRef kekB = b.createKey("b");
            b.createAlias("alias/app", kekB);
            arnB = kekB.id();
        }
        Provider first = new ArkheKmsProvider().configure("--name = fo-a\nlocal.store = " + storeA);
        Provider second = new ArkheKmsProvider().configure("--name = fo-b\nlocal.store = " + storeB);
        Security.addProvider(first);
        Security.addProvider(second);
        try {
            KeyGenerator pinned = KeyGenerator.getInstance("KmsDataKey", first);
            pinned.init(new KmsKeyGenParameterSpec(KekRef.of("alias/app")));
            assertThatThrownBy(pinned::generateKey).isInstanceOf(ProviderException.class)
                    .cause().isInstanceOf(KmsException.class);

            KeyGenerator unpinned = KeyGenerator.getInstance("KmsDataKey");
            unpinned.init(new KmsKeyGenParameterSpec(KekRef.of("alias/app")));
            DataKey failedOver = (DataKey) unpinned.generateKey();
            // The JDK behaviour the README warns about: the key came from the second store.
            assertThat(failedOver.kekArn()).isEqualTo(arnB);
        } finally {
            Security.removeProvider(first.getName());
            Security.removeProvider(second.getName());
        }
    }
}
