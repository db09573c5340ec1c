/**
 * arkhe-kms-jce: KMS-backed envelope encryption and crypto-shredding through the JCA/JCE
 * APIs. The {@code ArkheKMS} provider is offered as a {@link java.security.Provider} service,
 * so that a {@code java.security} line naming {@code ArkheKMS} finds it on the module path
 * as it does on the class path (through {@code META-INF/services}).
 */
module dev.arkhe.kms {
    requires transitive org.bouncycastle.provider;
    requires transitive software.amazon.awssdk.services.kms;
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.awscore;
    requires transitive software.amazon.awssdk.core;
    requires transitive software.amazon.awssdk.http;
    requires transitive software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;

    exports dev.arkhe.kms;
    exports dev.arkhe.kms.aws;
    exports dev.arkhe.kms.jce;
    exports dev.arkhe.kms.local;

    provides java.security.Provider with dev.arkhe.kms.jce.ArkheKmsProvider;
}
