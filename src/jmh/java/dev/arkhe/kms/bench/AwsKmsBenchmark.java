package dev.arkhe.kms.bench;

import dev.arkhe.kms.DataKey;
import dev.arkhe.kms.Dek;
import dev.arkhe.kms.EncryptionContext;
import dev.arkhe.kms.KekRef;
import dev.arkhe.kms.KmsException;
import dev.arkhe.kms.aws.AwsKmsBackend;
import dev.arkhe.kms.testsupport.MotoServer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * AwsKmsBackend against the plain SDK KmsClient making the same KMS calls, in the same run,
 * against one moto_server on loopback that the state starts and stops. Both use the
 * URL-connection HTTP client; the difference is the backend's own work (checks, copies,
 * wiping, DataKey/DekId derivation). moto's Python request handling dominates the time per
 * call, so the comparison is of overhead, not of KMS latency.
 *
 * <p>Run: {@code mvn -B -Pbench verify -Djmh.args="-f 1 -wi 3 -w 2s -i 5 -r 2s AwsKms"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AwsKmsBenchmark {

    private static final EncryptionContext CTX = EncryptionContext.of(Map.of("tenant", "bench"));

    private MotoServer moto;
    private KmsClient plain;
    private AwsKmsBackend backend;
    private String keyArn;
    private KekRef kek;
    private Dek dek;
    private SdkBytes dekBytes;
    private byte[] wrapped;
    private SdkBytes wrappedBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException, KmsException {
        moto = MotoServer.start();
        plain = moto.newClient();
        backend = moto.backendBuilder().build();
        keyArn = plain.createKey(r -> r.description("bench")).keyMetadata().arn();
        kek = KekRef.of(keyArn);
        byte[] material = new byte[32];
        new java.security.SecureRandom().nextBytes(material);
        dek = Dek.of(material);
        dekBytes = SdkBytes.fromByteArray(material);
        wrapped = backend.wrapDek(dek, kek, CTX);
        wrappedBytes = SdkBytes.fromByteArray(wrapped);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        plain.close();
        moto.close();
    }

    @Benchmark
    public DataKey backendGenerate() throws KmsException {
        return backend.generateDek(kek, CTX);
    }

    @Benchmark
    public GenerateDataKeyResponse plainGenerate() {
        return plain.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256).encryptionContext(CTX.asMap()));
    }

    @Benchmark
    public byte[] backendWrap() throws KmsException {
        return backend.wrapDek(dek, kek, CTX);
    }

    @Benchmark
    public EncryptResponse plainWrap() {
        return plain.encrypt(r -> r.keyId(keyArn).plaintext(dekBytes).encryptionContext(CTX.asMap()));
    }

    @Benchmark
    public Dek backendUnwrap() throws KmsException {
        return backend.unwrapDek(wrapped, kek, CTX);
    }

    @Benchmark
    public DecryptResponse plainUnwrap() {
        return plain.decrypt(r -> r.keyId(keyArn).ciphertextBlob(wrappedBytes).encryptionContext(CTX.asMap()));
    }
}
