/**
 * arkhe-kms-jce: KMS-backed envelope encryption and crypto-shredding through the JCA/JCE
 * APIs. The {@code ArkheKMS} provider is offered as a {@link java.security.Provider} service,
 * so that a {@code java.security} line naming {@code ArkheKMS} finds it on the module path
 * as it does on the class path (through {@code META-INF/services}).
 */
module dev.arkhe.kms {
    // Transitive: the public API takes and returns SDK types (KmsClient, AwsCredentialsProvider).
    // javac warns because the SDK jars are automatic modules; that is expected.
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
    requires jdk.httpserver;
    // Optional at run time: picocli only for the arkhe-kms command line (shaded into
    // target/arkhe-kms.jar), the JUnit API only for the @LocalKms test extension.
    requires static info.picocli;
    requires static org.junit.jupiter.api;

    exports dev.arkhe.kms;
    exports dev.arkhe.kms.aws;
    exports dev.arkhe.kms.jce;
    exports dev.arkhe.kms.local;
    exports dev.arkhe.kms.server;
    exports dev.arkhe.kms.testing;
    exports dev.arkhe.kms.cli;
    // picocli creates the command objects and fills their option fields reflectively.
    opens dev.arkhe.kms.cli to info.picocli;

    provides java.security.Provider with dev.arkhe.kms.jce.ArkheKmsProvider;
}
