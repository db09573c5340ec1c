package dev.arkhe.kms.jce;

import static org.assertj.core.api.Assertions.assertThat;

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
}
