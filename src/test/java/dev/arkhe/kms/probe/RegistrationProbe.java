package dev.arkhe.kms.probe;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.jce.ArkheKmsProvider;
import java.security.Key;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Run in a child JVM by {@code ProviderRegistrationTest}: uses only the JCA API to wrap,
 * unwrap and generate keys, after registering the provider the way {@code args[0]} says.
 * Prints {@code OK <provider>} and exits 0 on success. It lives outside the library's
 * packages so that it can run from the class path while the library is on the module path.
 */
public final class RegistrationProbe {

    private RegistrationProbe() {
    }

    public static void main(String[] args) throws Exception {
        String route = args[0];
        KekRef kek = KekRef.of(args[1]);
        switch (route) {
            case "addProvider" -> Security.addProvider(new ArkheKmsProvider().configure(args[2]));
            case "systemProperty" -> Security.addProvider(new ArkheKmsProvider());
            case "securityFile" -> { }
            case "modulePath" -> {
                if (!ArkheKmsProvider.class.getModule().isNamed()) {
                    throw new IllegalStateException("expected the library on the module path");
                }
            }
            default -> throw new IllegalArgumentException(route);
        }
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        SecretKey original = aes.generateKey();
        Cipher wrap = Cipher.getInstance("KmsKeyWrap");
        wrap.init(Cipher.WRAP_MODE, kek);
        byte[] wrapped = wrap.wrap(original);
        Cipher unwrap = Cipher.getInstance("KmsKeyWrap");
        unwrap.init(Cipher.UNWRAP_MODE, kek);
        Key back = unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        if (!Arrays.equals(back.getEncoded(), original.getEncoded())) {
            System.out.println("MISMATCH");
            System.exit(2);
        }
        KeyGenerator dataKeys = KeyGenerator.getInstance("KmsDataKey");
        dataKeys.init(256);
        DataKey dataKey = (DataKey) dataKeys.generateKey();
        Key opened = unwrap.unwrap(dataKey.wrapped(), "AES", Cipher.SECRET_KEY);
        if (!Arrays.equals(opened.getEncoded(), dataKey.getEncoded())) {
            System.out.println("MISMATCH");
            System.exit(3);
        }
        Provider provider = wrap.getProvider();
        System.out.println("OK " + provider.getName() + " " + dataKeys.getProvider().getName());
    }
}
