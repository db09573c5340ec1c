package dev.arkhe.kms.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an in-process local KMS endpoint for a JUnit 5 test class.
 *
 * <p>Before the class's first test (or earlier, when a {@code @TestInstance(PER_CLASS)}
 * constructor asks for one of the parameters below), {@link LocalKmsExtension} opens a
 * {@code LocalKmsBackend} in a temporary directory and starts a {@code LocalKmsServer} on a
 * free 127.0.0.1 port; after the last test it stops both and deletes the directory. Test
 * constructors, lifecycle methods and test methods can then declare parameters of these
 * types and receive the class's instances:
 *
 * <ul>
 *   <li>{@link java.net.URI}: the endpoint, e.g. {@code http://127.0.0.1:41234};</li>
 *   <li>{@code software.amazon.awssdk.services.kms.KmsClient}: an AWS SDK client for it
 *       (static dummy credentials, region us-east-1, {@code UrlConnectionHttpClient});</li>
 *   <li>{@code dev.arkhe.kms.aws.AwsKmsBackend}: the AWS backend over that client, so that
 *       code written for AWS KMS runs against the endpoint unchanged;</li>
 *   <li>{@code dev.arkhe.kms.local.LocalKmsBackend}: the store behind the endpoint;</li>
 *   <li>{@code dev.arkhe.kms.server.LocalKmsServer}: the endpoint itself.</li>
 * </ul>
 *
 * <pre>{@code
 * @LocalKms
 * class MyServiceTest {
 *     @Test
 *     void encrypts(KmsClient kms) {
 *         String keyId = kms.createKey(r -> { }).keyMetadata().keyId();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The extension is part of the main jar; it needs {@code junit-jupiter-api} on the test
 * class path, which the library declares with {@code provided} scope so that applications
 * never inherit it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(LocalKmsExtension.class)
public @interface LocalKms {
}
